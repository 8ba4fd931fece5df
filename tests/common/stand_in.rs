//! A stand-in for WeChat's API, a real HTTP server on port 0.

use poem::{
    EndpointExt, Route, Server, get, handler,
    listener::{Acceptor, Listener, TcpListener},
    web::{Data, Json, Query},
};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Deserialize)]
pub struct Code2SessionQuery {
    pub appid: String,
    pub secret: String,
    pub js_code: String,
    pub grant_type: String,
}

#[derive(Clone, Default)]
pub struct Seen(pub Arc<Mutex<Vec<Code2SessionQuery>>>);

/// Answers by code: `ok-<openid>`, `union-<openid>` (with a unionid),
/// `invalid` (40029), `limited` (45011), `busy` (-1).
#[handler]
fn code2session(Query(q): Query<Code2SessionQuery>, seen: Data<&Seen>) -> Json<Value> {
    seen.0.0.lock().unwrap().push(q.clone());
    let code = q.js_code.as_str();
    Json(if let Some(openid) = code.strip_prefix("ok-") {
        json!({"openid": openid, "session_key": "c2Vzc2lvbi1rZXk="})
    } else if let Some(openid) = code.strip_prefix("union-") {
        json!({"openid": openid, "session_key": "c2Vzc2lvbi1rZXk=", "unionid": format!("u-{openid}")})
    } else {
        match code {
            "limited" => json!({"errcode": 45011, "errmsg": "api minute-quota reach limit"}),
            "busy" => json!({"errcode": -1, "errmsg": "system error"}),
            _ => json!({"errcode": 40029, "errmsg": "invalid code"}),
        }
    })
}

/// Starts the stand-in; returns its base URL and what it has received.
pub async fn wechat() -> (String, Seen) {
    let seen = Seen::default();
    let acceptor = TcpListener::bind("127.0.0.1:0")
        .into_acceptor()
        .await
        .unwrap();
    let addr = acceptor.local_addr()[0].as_socket_addr().copied().unwrap();
    let app = Route::new()
        .at("/sns/jscode2session", get(code2session))
        .data(seen.clone());
    tokio::spawn(Server::new_with_acceptor(acceptor).run(app));
    (format!("http://{addr}"), seen)
}

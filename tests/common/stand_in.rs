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

/// What the stand-in received on the message endpoints.
#[derive(Clone, Default)]
pub struct Messages {
    pub token_calls: Arc<Mutex<u32>>,
    pub sent: Arc<Mutex<Vec<(String, Value)>>>,
}

#[handler]
fn stable_token(body: Json<Value>, m: Data<&Messages>) -> Json<Value> {
    *m.0.token_calls.lock().unwrap() += 1;
    assert_eq!(body["grant_type"], "client_credential");
    Json(json!({"access_token": "tok-1", "expires_in": 7200}))
}

#[derive(Deserialize)]
struct TokenQuery {
    access_token: String,
}

/// `touser` "nosub" did not subscribe (43101); everyone else gets the message.
#[handler]
fn subscribe_send(q: Query<TokenQuery>, body: Json<Value>, m: Data<&Messages>) -> Json<Value> {
    m.0.sent
        .lock()
        .unwrap()
        .push((q.0.access_token.clone(), body.0.clone()));
    if body["touser"] == "nosub" {
        Json(json!({"errcode": 43101, "errmsg": "user refuse to accept the msg"}))
    } else {
        Json(json!({"errcode": 0, "errmsg": "ok"}))
    }
}

/// The stand-in with the message endpoints too.
pub async fn wechat_messages() -> (String, Messages) {
    let m = Messages::default();
    let acceptor = TcpListener::bind("127.0.0.1:0")
        .into_acceptor()
        .await
        .unwrap();
    let addr = acceptor.local_addr()[0].as_socket_addr().copied().unwrap();
    let app = Route::new()
        .at("/cgi-bin/stable_token", poem::post(stable_token))
        .at(
            "/cgi-bin/message/subscribe/send",
            poem::post(subscribe_send),
        )
        .data(m.clone());
    tokio::spawn(Server::new_with_acceptor(acceptor).run(app));
    (format!("http://{addr}"), m)
}

/// (timestamp header, signature header, body) of one accepted delivery.
pub type Delivery = (Option<String>, Option<String>, String);

/// A webhook receiver: what it got (headers of interest and body).
#[derive(Clone, Default)]
pub struct Hook {
    pub fail_first: Arc<Mutex<u32>>,
    /// Answer only after this long (a slow receiver).
    pub delay: Arc<Mutex<std::time::Duration>>,
    /// Answer 302 to this URL instead of accepting.
    pub redirect_to: Arc<Mutex<Option<String>>>,
    pub attempts: Arc<Mutex<u32>>,
    pub accepted: Arc<Mutex<Vec<Delivery>>>,
}

#[handler]
async fn hook(req: &poem::Request, body: String, h: Data<&Hook>) -> poem::Response {
    *h.0.attempts.lock().unwrap() += 1;
    let delay = *h.0.delay.lock().unwrap();
    tokio::time::sleep(delay).await;
    let redirect = h.0.redirect_to.lock().unwrap().clone();
    if let Some(to) = redirect {
        return poem::Response::builder()
            .status(poem::http::StatusCode::FOUND)
            .header("location", to)
            .finish();
    }
    {
        let mut f = h.0.fail_first.lock().unwrap();
        if *f > 0 {
            *f -= 1;
            return poem::Response::builder()
                .status(poem::http::StatusCode::INTERNAL_SERVER_ERROR)
                .body("down");
        }
    }
    let header = |n: &str| req.header(n).map(str::to_owned);
    h.0.accepted.lock().unwrap().push((
        header("x-suishoupai-timestamp"),
        header("x-suishoupai-signature"),
        body,
    ));
    poem::Response::builder()
        .content_type("application/json")
        .body(r#"{"errcode":0,"errmsg":"ok"}"#)
}

/// Starts a receiver that answers 500 to the first `fail_first` requests.
pub async fn webhook(fail_first: u32) -> (String, Hook) {
    let h = Hook::default();
    *h.fail_first.lock().unwrap() = fail_first;
    let acceptor = TcpListener::bind("127.0.0.1:0")
        .into_acceptor()
        .await
        .unwrap();
    let addr = acceptor.local_addr()[0].as_socket_addr().copied().unwrap();
    let app = Route::new().at("/hook", poem::post(hook)).data(h.clone());
    tokio::spawn(Server::new_with_acceptor(acceptor).run(app));
    (format!("http://{addr}/hook"), h)
}

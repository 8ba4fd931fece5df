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

/// What the content-security stand-in received, and how it behaves.
#[derive(Clone, Default)]
pub struct Content {
    /// Answer HTTP 503 to this many msg_sec_check calls first.
    pub fail_next: Arc<Mutex<u32>>,
    /// msg_sec_check bodies received.
    pub texts: Arc<Mutex<Vec<Value>>>,
    /// media_check_async bodies received (their trace ids are `trace-N`,
    /// N counting from 1).
    pub photos: Arc<Mutex<Vec<Value>>>,
}

#[derive(Deserialize)]
struct TokenOnly {
    access_token: String,
}

/// `msgSecCheck` v2: text with `RISKY` is risky (20001), with `REVIEW`
/// review (10001), anything else passes.
#[handler]
fn msg_sec_check(q: Query<TokenOnly>, body: Json<Value>, c: Data<&Content>) -> poem::Response {
    {
        let mut f = c.0.fail_next.lock().unwrap();
        if *f > 0 {
            *f -= 1;
            return poem::Response::builder()
                .status(poem::http::StatusCode::SERVICE_UNAVAILABLE)
                .body("down");
        }
    }
    assert_eq!(q.0.access_token, "tok-1");
    c.0.texts.lock().unwrap().push(body.0.clone());
    let text = body["content"].as_str().unwrap_or_default();
    let (suggest, label) = if text.contains("RISKY") {
        ("risky", 20001)
    } else if text.contains("REVIEW") {
        ("review", 10001)
    } else {
        ("pass", 100)
    };
    let answer = json!({
        "errcode": 0, "errmsg": "ok", "trace_id": "t-text",
        "result": {"suggest": suggest, "label": label},
        "detail": [{"strategy": "content_model", "errcode": 0, "suggest": suggest, "label": label}],
    });
    poem::Response::builder()
        .content_type("application/json")
        .body(answer.to_string())
}

#[handler]
fn media_check_async(q: Query<TokenOnly>, body: Json<Value>, c: Data<&Content>) -> Json<Value> {
    assert_eq!(q.0.access_token, "tok-1");
    let mut p = c.0.photos.lock().unwrap();
    p.push(body.0.clone());
    Json(json!({"errcode": 0, "errmsg": "ok", "trace_id": format!("trace-{}", p.len())}))
}

/// The stand-in with the token and content-security endpoints.
pub async fn wechat_content() -> (String, Content) {
    let (c, m) = (Content::default(), Messages::default());
    let acceptor = TcpListener::bind("127.0.0.1:0")
        .into_acceptor()
        .await
        .unwrap();
    let addr = acceptor.local_addr()[0].as_socket_addr().copied().unwrap();
    let app = Route::new()
        .at("/cgi-bin/stable_token", poem::post(stable_token))
        .at("/wxa/msg_sec_check", poem::post(msg_sec_check))
        .at("/wxa/media_check_async", poem::post(media_check_async))
        .data(c.clone())
        .data(m);
    tokio::spawn(Server::new_with_acceptor(acceptor).run(app));
    (format!("http://{addr}"), c)
}

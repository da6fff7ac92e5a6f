//! The sandbox's alert sinks, so tests and `hassou demo` see alerts arrive without a network: a
//! webhook (HTTP POST on 127.0.0.1, answering as Slack does, with injectable 500s and hangs) and
//! an SMTP server (plain, on 127.0.0.1, enough of RFC 5321 for one mail per transaction) that
//! keeps each mail's subject and text, decoded.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// What the next webhook request meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SinkFault {
    /// HTTP 500, nothing kept.
    ServerError,
    /// No answer at all (a hook that hangs).
    Hang,
}

/// One alert that arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// The webhook's body, as sent.
    Webhook(String),
    /// A mail: its recipients, subject and text, decoded.
    Mail {
        to: Vec<String>,
        subject: String,
        text: String,
    },
}

impl Received {
    /// Everything it says, for a test's search.
    pub fn text(&self) -> String {
        match self {
            Received::Webhook(body) => body.clone(),
            Received::Mail { subject, text, .. } => format!("{subject}\n{text}"),
        }
    }
}

#[derive(Default)]
struct Sink {
    received: Vec<Received>,
    faults: VecDeque<SinkFault>,
    /// Webhook requests, kept or not.
    webhook_requests: usize,
}

/// Both sinks, running until dropped.
pub struct AlertSink {
    webhook: std::net::SocketAddr,
    smtp: std::net::SocketAddr,
    sink: Arc<Mutex<Sink>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for AlertSink {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

async fn hook(State(sink): State<Arc<Mutex<Sink>>>, body: Bytes) -> (StatusCode, &'static str) {
    let fault = {
        let mut s = sink.lock().expect("sink");
        s.webhook_requests += 1;
        s.faults.pop_front()
    };
    match fault {
        Some(SinkFault::ServerError) => (StatusCode::INTERNAL_SERVER_ERROR, "error"),
        Some(SinkFault::Hang) => std::future::pending().await,
        None => {
            let text = String::from_utf8_lossy(&body).into_owned();
            sink.lock()
                .expect("sink")
                .received
                .push(Received::Webhook(text));
            (StatusCode::OK, "ok")
        }
    }
}

/// Decodes an RFC 2047 `=?utf-8?b?…?=` header (what lettre writes for Japanese).
fn decode_header(value: &str) -> String {
    value
        .split_whitespace()
        .map(|word| {
            let inner = word
                .strip_prefix("=?utf-8?b?")
                .or_else(|| word.strip_prefix("=?UTF-8?B?"))
                .and_then(|w| w.strip_suffix("?="));
            match inner {
                Some(b64) => base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .unwrap_or_else(|| word.to_owned()),
                None => format!(" {word} "),
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A mail's subject and text from its DATA.
fn read_mail(data: &str) -> (String, String) {
    let (head, body) = data.split_once("\r\n\r\n").unwrap_or((data, ""));
    // Unfold continued header lines.
    let head = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    let header = |name: &str| {
        head.lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
            })
            .unwrap_or_default()
    };
    let subject = decode_header(&header("Subject"));
    let text = if header("Content-Transfer-Encoding").eq_ignore_ascii_case("base64") {
        let joined: String = body.split_whitespace().collect();
        base64::engine::general_purpose::STANDARD
            .decode(joined)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default()
    } else {
        body.to_owned()
    };
    (subject, text)
}

async fn smtp_session(
    stream: tokio::net::TcpStream,
    sink: Arc<Mutex<Sink>>,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 hassou-sandbox ESMTP\r\n").await?;
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let verb = command
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => {
                write
                    .write_all(b"250-hassou-sandbox\r\n250 8BITMIME\r\n")
                    .await?
            }
            "HELO" | "NOOP" => write.write_all(b"250 ok\r\n").await?,
            "MAIL" => {
                to.clear();
                write.write_all(b"250 ok\r\n").await?;
            }
            "RCPT" => {
                let address = command
                    .split_once(':')
                    .map(|(_, a)| a.trim().trim_matches(['<', '>']).to_owned())
                    .unwrap_or_default();
                to.push(address);
                write.write_all(b"250 ok\r\n").await?;
            }
            "RSET" => {
                to.clear();
                write.write_all(b"250 ok\r\n").await?;
            }
            "DATA" => {
                write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    // Dot-stuffing (RFC 5321 4.5.2).
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                let (subject, text) = read_mail(&data);
                sink.lock().expect("sink").received.push(Received::Mail {
                    to: std::mem::take(&mut to),
                    subject,
                    text,
                });
                write.write_all(b"250 queued\r\n").await?;
            }
            "QUIT" => {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => write.write_all(b"502 not implemented\r\n").await?,
        }
    }
}

impl AlertSink {
    /// Starts both sinks on free ports of 127.0.0.1.
    pub async fn start() -> std::io::Result<AlertSink> {
        let sink = Arc::new(Mutex::new(Sink::default()));
        let app = Router::new()
            .route("/hooks/alerts", post(hook))
            .with_state(sink.clone());
        let web = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let smtp = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let (webhook, smtp_addr) = (web.local_addr()?, smtp.local_addr()?);
        let mut tasks = vec![tokio::spawn(async move {
            let _ = axum::serve(web, app).await;
        })];
        let mail_sink = sink.clone();
        tasks.push(tokio::spawn(async move {
            while let Ok((stream, _)) = smtp.accept().await {
                tokio::spawn(smtp_session(stream, mail_sink.clone()));
            }
        }));
        Ok(AlertSink {
            webhook,
            smtp: smtp_addr,
            sink,
            tasks,
        })
    }

    /// The webhook's URL (`http://127.0.0.1:…`: loopback, so plain HTTP is allowed).
    pub fn webhook_url(&self) -> String {
        format!("http://{}/hooks/alerts", self.webhook)
    }

    /// The SMTP server's URL (`smtp://127.0.0.1:…`: loopback, so no STARTTLS).
    pub fn smtp_url(&self) -> String {
        format!("smtp://{}", self.smtp)
    }

    /// Everything that arrived, in order.
    pub fn received(&self) -> Vec<Received> {
        self.sink.lock().expect("sink").received.clone()
    }

    /// Webhook requests so far, answered or not.
    pub fn webhook_requests(&self) -> usize {
        self.sink.lock().expect("sink").webhook_requests
    }

    /// The next webhook request meets `fault`.
    pub fn fail_next(&self, fault: SinkFault) {
        self.sink.lock().expect("sink").faults.push_back(fault);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mail_reads_back_decoded() {
        let data = "Subject: =?utf-8?b?W2hhc3NvdV0g44OG44K544OI?=\r\n\
                    Content-Transfer-Encoding: base64\r\n\r\n44OG44K544OI\r\n";
        assert_eq!(
            read_mail(data),
            ("[hassou] テスト".to_owned(), "テスト".to_owned())
        );
    }
}

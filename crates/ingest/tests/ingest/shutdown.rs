//! Stopping: requests in flight finish, their rows are on disk.

use std::time::Duration;

use so_ingest::verify::sign;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::helpers::*;

#[tokio::test]
async fn stop_lets_the_request_in_flight_finish_and_commits_it() {
    let mut app = spawn_app().await;
    let host = app.address.trim_start_matches("http://").to_owned();
    let event_id = new_event_id();
    let body = contact_changed(&event_id, 4711);
    let (first_half, second_half) = body.split_at(body.len() / 2);

    // A webhook whose body is half sent when the stop comes. The server's
    // "100 Continue" shows that it has read the head and is serving it.
    let mut stream = TcpStream::connect(&host).await.unwrap();
    let head = format!(
        "POST /connector/webhook?token={TOKEN} HTTP/1.1\r\nHost: {host}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\
         X-SuperOffice-Signature: {}\r\nExpect: 100-continue\r\n\r\n",
        body.len(),
        sign(SECRET, body.as_bytes()),
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut buffer = [0u8; 64];
    let read = stream.read(&mut buffer).await.unwrap();
    assert!(
        buffer[..read].starts_with(b"HTTP/1.1 100"),
        "{:?}",
        &buffer[..read]
    );
    stream.write_all(first_half.as_bytes()).await.unwrap();
    let stopping = tokio::spawn(async move { app.stop().await.map(|()| app) });
    wait_until_refused(&host).await;

    stream.write_all(second_half.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    let app = stopping.await.unwrap().expect("the server stops cleanly");

    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"queued\""), "{answer}");
    assert!(app.is_stored(&event_id).await);
}

/// Waits until the server no longer accepts connections, i.e. the stop has
/// begun; gives up after a few seconds, which leaves the test still valid.
async fn wait_until_refused(host: &str) {
    for _ in 0..100 {
        match TcpStream::connect(host).await {
            Err(_) => return,
            Ok(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

//! A minimal HTTP/1.1 keep-alive client for the load: it writes prepared
//! request bytes and reads the answer, and little else. A full client such
//! as reqwest spends more CPU per request than the server does, on the
//! same two cores, and so would measure itself.

use std::io;

use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpStream;

/// One keep-alive connection.
pub struct Connection {
    address: String,
    stream: Option<BufReader<TcpStream>>,
}

impl Connection {
    pub fn new(address: &str) -> Self {
        Self {
            address: address.to_owned(),
            stream: None,
        }
    }

    /// Sends one prepared request and returns the status code and body.
    /// Connects (again) when there is no open connection.
    pub async fn exchange(&mut self, request: &[u8]) -> io::Result<(u16, Vec<u8>)> {
        if self.stream.is_none() {
            let stream = TcpStream::connect(&self.address).await?;
            stream.set_nodelay(true)?;
            self.stream = Some(BufReader::new(stream));
        }
        let stream = self.stream.as_mut().expect("connected above");

        let answer = async {
            stream.get_mut().write_all(request).await?;
            read_response(stream).await
        }
        .await;
        if answer.is_err() {
            self.stream = None;
        }
        answer
    }
}

/// Reads a status line, headers and a `Content-Length` body.
async fn read_response(stream: &mut BufReader<TcpStream>) -> io::Result<(u16, Vec<u8>)> {
    let invalid = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());

    let mut line = String::new();
    stream.read_line(&mut line).await?;
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok());
    let status = status.ok_or_else(|| invalid("no status line"))?;

    let mut length = 0;
    loop {
        line.clear();
        if stream.read_line(&mut line).await? == 0 {
            return Err(invalid("connection closed in the headers"));
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value
                    .trim()
                    .parse()
                    .map_err(|_| invalid("bad content-length"))?;
            }
        }
    }

    let mut body = vec![0; length];
    stream.read_exact(&mut body).await?;
    Ok((status, body))
}

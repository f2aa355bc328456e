//! The webhooks the benchmark sends, built and signed before the clock runs.

use so_ingest::verify::sign;

/// The secret the child is started with.
pub const SECRET: &str = "bench-secret";
/// The token the child is started with.
pub const TOKEN: &str = "bench-token";

/// One ready-to-send request.
pub struct Signed {
    pub event_id: String,
    /// The whole HTTP/1.1 request, head and body.
    pub http: Vec<u8>,
}

/// `count` webhooks with unique EventIds, spread over `entities` records:
/// alternately contacts and persons, each naming a watched field, so every
/// one makes or joins a pending job.
pub fn webhooks(count: usize, entities: i64, address: &str) -> Vec<Signed> {
    (0..count)
        .map(|index| {
            let event_id = uuid::Uuid::new_v4().to_string();
            let key = 1 + (index as i64 % entities.max(1));
            let (event, changes) = if index % 2 == 0 {
                ("contact.changed", r#"["name","updated","updatedCount"]"#)
            } else {
                ("person.changed", r#"["title","updated","updatedCount"]"#)
            };
            let entity = &event[..event.find('.').unwrap_or(0)];
            let body = format!(
                concat!(
                    r#"{{"EventId":"{event_id}","Timestamp":"2025-03-11T09:15:42.1234567Z","#,
                    r#""Changes":{changes},"Event":"{event}","PrimaryKey":{key},"#,
                    r#""Entity":"{entity}","ContextIdentifier":"Cust12345","#,
                    r#""ChangedByAssociateId":23,"WebhookName":"enrichment-connector"}}"#,
                ),
                event_id = event_id,
                changes = changes,
                event = event,
                key = key,
                entity = entity,
            );
            let signature = sign(SECRET, body.as_bytes());
            let http = format!(
                "POST /connector/webhook?token={TOKEN} HTTP/1.1\r\nHost: {address}\r\n\
                 Content-Type: application/json; charset=utf-8\r\n\
                 X-SuperOffice-Signature: {signature}\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
            Signed {
                event_id,
                http: http.into_bytes(),
            }
        })
        .collect()
}

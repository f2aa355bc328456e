//! A believable day of an operator's dashboard: named accounts that were
//! enriched (and echoed), skipped, failed, waiting and in progress, and a
//! few hours of deliveries for the chart.

use sqlx::SqliteConnection;

use crate::helpers::{insert_job, name_job, JobSeed, MINUTE, SECOND};

/// What the browser tests look for in the seeded page.
pub struct Seeded {
    /// The failed job the retry test puts back.
    pub failed_job: i64,
    /// A completed job, with a result to show.
    pub completed_job: i64,
}

const ACCOUNTS: &[(i64, &str, &str)] = &[
    (1201, "Hotel Seeblick GmbH", "RKAB"),
    (1202, "Klinikum Nord gGmbH", "MHLR"),
    (1203, "Logistikzentrum Rhein AG", "RKAB"),
    (1204, "Stadtwerke Ulm", "JSCH"),
    (1205, "Bäckerei Sonnenschein", "MHLR"),
    (1206, "Pflegeheim am Park", "RKAB"),
    (1207, "Autohaus Berger KG", "JSCH"),
];

/// Writes the day as of `now`.
pub async fn seed_day(conn: &mut SqliteConnection, now: i64) -> Seeded {
    // Enriched accounts, each followed by the echo of our own write.
    let mut completed_job = 0;
    for (index, &(contact, company, owner)) in ACCOUNTS.iter().enumerate() {
        let done_at = now - (index as i64 * 23 + 4) * MINUTE;
        let done = insert_job(conn, &JobSeed::completed(contact, done_at)).await;
        name_job(conn, done, company, owner).await;
        insert_job(conn, &JobSeed::echo(contact, done_at + 3 * SECOND)).await;
        completed_job = done;
    }

    // An account of another team, skipped by the owner rule.
    let mut other = JobSeed::echo(1301, now - 50 * MINUTE);
    other.rule = Some("owner_not_ours");
    other.reason = Some("owner ANDR is not on the owner whitelist");
    let other = insert_job(conn, &other).await;
    name_job(conn, other, "Wettbewerb Reinigung GmbH", "ANDR").await;

    // A failure waiting for the operator.
    let failed = insert_job(conn, &JobSeed::failed(1401, now - 35 * MINUTE)).await;
    name_job(conn, failed, "Messe Süd GmbH", "RKAB").await;

    // A new contact nobody has looked at yet, and one being worked on.
    let mut created = JobSeed::pending(4711, now - 40 * SECOND);
    created.event = "contact.created";
    insert_job(conn, &created).await;
    let working = insert_job(conn, &JobSeed::pending(1501, now - 70 * SECOND)).await;
    sqlx::query(
        "UPDATE jobs SET status = 'processing', lease_holder = 'worker-1:4242:0',
             lease_token = 'seed', lease_expires_at = ?1, attempts = 1, started_at = ?2
         WHERE id = ?3",
    )
    .bind(now + MINUTE)
    .bind(now - 60 * SECOND)
    .bind(working)
    .execute(&mut *conn)
    .await
    .expect("job claimed");
    name_job(conn, working, "Fitnesspark Mitte", "MHLR").await;

    seed_traffic(conn, now).await;
    Seeded {
        failed_job: failed,
        completed_job,
    }
}

/// Deliveries that made no job (other entities, test events), spread
/// over three hours in waves, so the chart has something to draw.
async fn seed_traffic(conn: &mut SqliteConnection, now: i64) {
    for minute in 0..180_i64 {
        let wave = ((minute as f64 / 17.0).sin() + 1.2) * 2.0;
        let count = wave.round() as i64 + (minute % 7 == 0) as i64 * 3;
        for n in 0..count {
            sqlx::query(
                "INSERT INTO deliveries (event_id, received_at, tenant, event, entity, entity_id,
                                         payload, decision, reason)
                 VALUES (?1, ?2, 'Cust1', 'sale.changed', 'sale', ?3, '{}', 'ignored',
                         'event_not_handled: sale.changed is not handled')",
            )
            .bind(format!("traffic-{minute}-{n}"))
            .bind(now - minute * MINUTE - n * SECOND)
            .bind(minute * 10 + n)
            .execute(&mut *conn)
            .await
            .expect("delivery inserted");
        }
    }
}

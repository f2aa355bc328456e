//! The worker's admin listener: metrics of the jobs it ran and of the
//! queue, health, and the refusal of a non-loopback address without a
//! credential.

use so_metrics::InvalidAdmin;
use so_worker::{Application, InvalidSettings, StartupError};
use tokio_util::sync::CancellationToken;

use crate::harness::world;

#[tokio::test]
async fn metrics_show_the_jobs_the_worker_ran_and_the_calls_it_made() {
    let world = world().await;
    let mut settings = world.settings();
    settings.worker.admin.listen = "127.0.0.1:0".into();
    let application = Application::build(&settings)
        .await
        .expect("the worker builds");
    let admin = application.admin_address().expect("an admin listener");
    let stop = CancellationToken::new();
    let running = tokio::spawn(application.run(stop.clone()));

    let job_id = world
        .enqueue("contact.changed", world.our_contacts(1)[0])
        .await;
    world.finished(job_id).await;
    let client = reqwest::Client::new();
    let metrics = client
        .get(format!("http://{admin}/metrics"))
        .send()
        .await
        .unwrap();
    let ready = client
        .get(format!("http://{admin}/readyz"))
        .send()
        .await
        .unwrap();

    assert_eq!(metrics.status(), 200);
    let text = metrics.text().await.unwrap();
    for expected in [
        r#"so_worker_job_duration_seconds_count{outcome="completed"} 1"#,
        r#"so_worker_analysis_duration_seconds_count{backend="builtin",source="fresh"} 1"#,
        r#"so_worker_superoffice_calls_total{endpoint="#,
        r#"so_queue_jobs{status="pending"} 0"#,
    ] {
        assert!(text.contains(expected), "missing {expected} in\n{text}");
    }
    assert_eq!(ready.status(), 200);
    stop.cancel();
    running.await.unwrap();
}

#[tokio::test]
async fn the_admin_listener_is_off_by_default() {
    let world = world().await;

    let application = Application::build(&world.settings()).await.unwrap();

    assert_eq!(application.admin_address(), None);
}

#[tokio::test]
async fn a_non_loopback_admin_listener_without_a_credential_refuses_to_start() {
    let world = world().await;
    let mut settings = world.settings();
    settings.worker.admin.listen = "0.0.0.0:9101".into();

    let refused = Application::build(&settings).await;

    let Err(StartupError::Settings(problems)) = &refused else {
        panic!("expected a refusal for want of a credential, got {refused:?}");
    };
    assert!(
        matches!(
            problems.list(),
            [InvalidSettings::Admin(InvalidAdmin::NoCredential { .. })]
        ),
        "{problems:?}"
    );
}

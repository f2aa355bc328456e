//! The status-priority rule and run boundaries, on the 15-minute edge:
//! 14:59 after is inside the window, 15:00 and 15:01 are outside.

use so_dashboard::priority::{run_length, shown_status, JobFacts};
use so_queue::JobStatus;

use crate::helpers::{MINUTE, SECOND, T0};

fn job(id: i64, status: JobStatus, created_at: i64) -> JobFacts {
    let finished = !matches!(status, JobStatus::Pending | JobStatus::Processing);
    JobFacts {
        id,
        status,
        created_at,
        updated_at: created_at,
        finished_at: finished.then_some(created_at),
    }
}

fn completed_then_echo_after(gap: i64) -> Vec<JobFacts> {
    vec![
        job(1, JobStatus::Completed, T0),
        job(2, JobStatus::Skipped, T0 + gap),
    ]
}

#[test]
fn an_echo_14_59_after_a_completion_is_outshone() {
    let run = completed_then_echo_after(14 * MINUTE + 59 * SECOND);

    assert_eq!(shown_status(&run), Some(JobStatus::Completed));
}

#[test]
fn an_echo_15_00_after_a_completion_shows_skipped() {
    let run = completed_then_echo_after(15 * MINUTE);

    assert_eq!(shown_status(&run), Some(JobStatus::Skipped));
}

#[test]
fn an_echo_15_01_after_a_completion_shows_skipped() {
    let run = completed_then_echo_after(15 * MINUTE + SECOND);

    assert_eq!(shown_status(&run), Some(JobStatus::Skipped));
}

#[test]
fn jobs_14_59_apart_form_one_run() {
    let newest_first = [
        job(2, JobStatus::Skipped, T0 + 14 * MINUTE + 59 * SECOND),
        job(1, JobStatus::Completed, T0),
    ];

    assert_eq!(run_length(&newest_first), 2);
}

#[test]
fn jobs_15_00_or_15_01_apart_form_two_runs() {
    for gap in [15 * MINUTE, 15 * MINUTE + SECOND] {
        let newest_first = [
            job(2, JobStatus::Skipped, T0 + gap),
            job(1, JobStatus::Completed, T0),
        ];

        assert_eq!(run_length(&newest_first), 1, "gap {gap} ms");
    }
}

#[test]
fn a_run_is_measured_from_the_last_change_of_the_job_before() {
    // A job that took ten minutes to complete: an echo 14:59 after its
    // completion is 24:59 after it was made, and still joins its run.
    let mut slow = job(1, JobStatus::Completed, T0);
    slow.updated_at = T0 + 10 * MINUTE;
    slow.finished_at = Some(T0 + 10 * MINUTE);
    let echo = job(2, JobStatus::Skipped, T0 + 24 * MINUTE + 59 * SECOND);

    assert_eq!(run_length(&[echo, slow]), 2);
    assert_eq!(shown_status(&[slow, echo]), Some(JobStatus::Completed));
}

#[test]
fn a_chain_of_echoes_joins_one_run_but_only_the_window_is_outshone() {
    let newest_first = [
        job(3, JobStatus::Skipped, T0 + 20 * MINUTE),
        job(2, JobStatus::Skipped, T0 + 10 * MINUTE),
        job(1, JobStatus::Completed, T0),
    ];

    assert_eq!(run_length(&newest_first), 3);
    assert_eq!(shown_status(&newest_first), Some(JobStatus::Skipped));
}

#[test]
fn work_in_flight_shows_before_anything_else() {
    let run = [
        job(1, JobStatus::Completed, T0),
        job(2, JobStatus::Pending, T0 + MINUTE),
        job(3, JobStatus::Skipped, T0 + 2 * MINUTE),
    ];
    let held = [
        job(1, JobStatus::Processing, T0),
        job(2, JobStatus::Pending, T0 + MINUTE),
    ];

    assert_eq!(shown_status(&run), Some(JobStatus::Pending));
    assert_eq!(shown_status(&held), Some(JobStatus::Processing));
}

#[test]
fn a_failure_after_a_completion_shows_failed() {
    let run = [
        job(1, JobStatus::Completed, T0),
        job(2, JobStatus::Failed, T0 + MINUTE),
    ];

    assert_eq!(shown_status(&run), Some(JobStatus::Failed));
}

#[test]
fn a_skip_without_a_completion_shows_skipped() {
    let run = [
        job(1, JobStatus::Skipped, T0),
        job(2, JobStatus::Skipped, T0 + SECOND),
    ];

    assert_eq!(shown_status(&run), Some(JobStatus::Skipped));
    assert_eq!(shown_status(&[]), None);
}

// Malformed `#[leak_audit::tokio_test]` arguments: each is an error at its
// span, and the test is still expanded (no other error follows).

#[leak_audit::tokio_test(flavor = "multi")]
async fn unknown_flavor() {}

#[leak_audit::tokio_test(worker_threads = 2)]
async fn workers_on_current_thread() {}

#[leak_audit::tokio_test(flavor = "multi_thread", worker_threads = 0)]
async fn no_workers() {}

#[leak_audit::tokio_test(start_paused)]
async fn paused_without_value() {}

#[leak_audit::tokio_test(start_paused = "yes")]
async fn paused_not_a_bool() {}

#[leak_audit::tokio_test(allow_running_tasks = true)]
async fn opt_out_with_value() {}

#[leak_audit::tokio_test(flavor = "current_thread", flavor = "multi_thread")]
async fn duplicate_flavor() {}

#[leak_audit::tokio_test(crate = "tokio")]
async fn unknown_argument() {}

#[leak_audit::tokio_test(allow_running_task)]
async fn misspelt_opt_out() {}

#[leak_audit::tokio_test(flavor = "multi_thread", start_paused = true)]
async fn paused_on_multi_thread() {}

fn main() {}

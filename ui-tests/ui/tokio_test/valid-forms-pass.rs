// Every argument form `#[leak_audit::tokio_test]` accepts.

#[leak_audit::tokio_test]
async fn defaults() {}

#[leak_audit::tokio_test(flavor = "current_thread")]
async fn current_thread() {}

#[leak_audit::tokio_test(flavor = "multi_thread", worker_threads = 4)]
async fn multi_thread() {}

#[leak_audit::tokio_test(start_paused = true, allow_running_tasks)]
async fn paused_with_opt_out() {}

#[leak_audit::tokio_test(allow_running_tasks, flavor = "multi_thread", start_paused = false,)]
async fn any_order_and_trailing_comma() -> Result<(), String> {
    Ok(())
}

fn main() {}

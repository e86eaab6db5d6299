//! The README's async example, run as written: the test fails with the
//! report the README shows.

use std::panic;

mod support;
use support::panic_message;

#[leak_audit::leak_audit]
mod chat {
    use std::sync::{Arc, Mutex};

    pub struct Room {
        pub members: Mutex<Vec<Arc<Member>>>,
    }
    pub struct Member {
        #[leak_audit(allow(rc_cycle), reason = "the README's example of a leak")]
        pub room: Mutex<Option<Arc<Room>>>,
    }

    pub fn room() -> Arc<Room> {
        Arc::new(Room { members: Mutex::new(Vec::new()) })
    }
    pub fn join(room: &Arc<Room>) -> Arc<Member> {
        let member = Arc::new(Member { room: Mutex::new(Some(room.clone())) });
        room.members.lock().unwrap().push(member.clone());
        member
    }
}

#[leak_audit::tokio_test(flavor = "multi_thread")]
#[ignore = "run by `should_fail_as_the_readme_shows`"]
async fn joining_leaks_nothing() {
    let room = chat::room();
    let member = tokio::spawn(async move { chat::join(&room) }).await.unwrap();
    assert!(member.room.lock().unwrap().is_some());
    // A heartbeat nobody stops.
    tokio::spawn(async {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    });
}

#[test]
fn should_fail_as_the_readme_shows() {
    let message = panic::catch_unwind(joining_leaks_nothing).map_err(panic_message).unwrap_err();
    eprintln!("{message}");
    let lines: Vec<&str> = message.lines().collect();
    assert!(
        lines[0].starts_with(
            "leak_audit: test `test_readme_async::joining_leaks_nothing` leaked 1 task still running at the end of \
             the test (after waiting "
        ),
        "{message}"
    );
    assert_eq!(lines[1], "         1  spawned task", "{message}");
    let values = lines.iter().position(|line| line.contains("leaked 2 values of counted types")).expect(&message);
    assert_eq!(lines[values + 1].split_whitespace().collect::<Vec<_>>(), ["Member", "1", "(test_readme_async::chat)"]);
    assert_eq!(lines[values + 2].split_whitespace().collect::<Vec<_>>(), ["Room", "1", "(test_readme_async::chat)"]);
}

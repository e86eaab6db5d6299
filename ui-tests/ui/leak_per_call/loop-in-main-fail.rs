#[leak_audit::leak_audit(deny(leak_per_call))]
fn main() {
    let name: &'static str = Box::leak(String::from("server").into_boxed_str());
    for line in ["GET /", "GET /about"] {
        println!("{name}: {line}");
    }
    let mut lines = vec!["a".to_owned(), "b".to_owned()];
    while let Some(line) = lines.pop() {
        let kept: &'static str = line.leak();
        println!("{kept}");
    }
}

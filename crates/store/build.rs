// `sqlx::migrate!` embeds the migration files at compile time; a new file in the directories
// must rebuild the crate (sqlx's documented recipe).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}

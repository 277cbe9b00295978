use agentcore_identity_runtime::{Error, requires_wat};

#[requires_wat]
fn whoami() -> Result<(), Error> {
    Ok(())
}

fn main() {}

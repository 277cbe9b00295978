use agentcore_identity_runtime::{SecretString, requires_wat};

#[requires_wat]
fn whoami(identity_wat: SecretString) -> () {
    let _ = identity_wat;
}

fn main() {}

//! Examples and end-to-end tests of agentcore-identity.

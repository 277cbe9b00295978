//! ARNs of the resources this service creates.

/// The one token vault of an account, as the service names it.
pub(crate) const DEFAULT_TOKEN_VAULT: &str = "default";

/// Region and account that every ARN names.
#[derive(Debug, Clone)]
pub(crate) struct Arns {
    partition: &'static str,
    region: String,
    account_id: String,
}

impl Arns {
    pub(crate) fn new(region: &str, account_id: &str) -> Self {
        let partition = if region.starts_with("cn-") {
            "aws-cn"
        } else if region.starts_with("us-gov-") {
            "aws-us-gov"
        } else {
            "aws"
        };
        Self {
            partition,
            region: region.to_owned(),
            account_id: account_id.to_owned(),
        }
    }

    pub(crate) fn workload_identity(&self, name: &str) -> String {
        self.arn(
            "bedrock-agentcore",
            &format!("workload-identity-directory/default/workload-identity/{name}"),
        )
    }

    /// Returns a provider's ARN, which names the `acps` service segment as the real service does.
    pub(crate) fn api_key_provider(&self, name: &str) -> String {
        self.arn(
            "acps",
            &format!("token-vault/{DEFAULT_TOKEN_VAULT}/apikeycredentialprovider/{name}"),
        )
    }

    /// Returns the ARN of the Secrets Manager secret that would contain the provider's key in
    /// the real service.
    pub(crate) fn api_key_secret(&self, name: &str, suffix: &str) -> String {
        self.arn(
            "secretsmanager",
            &format!(
                "secret:bedrock-agentcore-identity!{DEFAULT_TOKEN_VAULT}/apikey/{name}-{suffix}"
            ),
        )
    }

    /// Returns an OAuth2 provider's ARN, with the `acps` service segment.
    pub(crate) fn oauth2_provider(&self, name: &str) -> String {
        self.arn(
            "acps",
            &format!("token-vault/{DEFAULT_TOKEN_VAULT}/oauth2credentialprovider/{name}"),
        )
    }

    /// Returns the ARN of the Secrets Manager secret that would contain the provider's client
    /// secret in the real service.
    pub(crate) fn oauth2_client_secret(&self, name: &str, suffix: &str) -> String {
        self.arn(
            "secretsmanager",
            &format!(
                "secret:bedrock-agentcore-identity!{DEFAULT_TOKEN_VAULT}/oauth2/{name}-{suffix}"
            ),
        )
    }

    /// Returns the ARN of the IAM user `name`. IAM ARNs name no region.
    pub(crate) fn iam_user(&self, name: &str) -> String {
        format!(
            "arn:{}:iam::{}:user/{name}",
            self.partition, self.account_id
        )
    }

    pub(crate) fn region(&self) -> &str {
        &self.region
    }

    pub(crate) fn account_id(&self) -> &str {
        &self.account_id
    }

    fn arn(&self, service: &str, resource: &str) -> String {
        format!(
            "arn:{}:{service}:{}:{}:{resource}",
            self.partition, self.region, self.account_id
        )
    }
}

/// Returns whether `region` has the form of an AWS region name, such as `us-east-1`.
pub(crate) fn is_region(region: &str) -> bool {
    let mut parts = region.split('-');
    let Some(first) = parts.next() else {
        return false;
    };
    let rest: Vec<&str> = parts.collect();
    let Some((number, middle)) = rest.split_last() else {
        return false;
    };
    first.len() == 2
        && first.chars().all(|c| c.is_ascii_lowercase())
        && !middle.is_empty()
        && middle
            .iter()
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_lowercase()))
        && !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit())
}

/// Returns whether `account_id` is twelve digits.
pub(crate) fn is_account_id(account_id: &str) -> bool {
    account_id.len() == 12 && account_id.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_key_provider_arn_uses_acps() {
        let arns = Arns::new("us-east-1", "123456789012");

        assert_eq!(
            arns.api_key_provider("openai"),
            "arn:aws:acps:us-east-1:123456789012:token-vault/default/apikeycredentialprovider/openai"
        );
    }

    #[test]
    fn iam_user_arn_has_no_region() {
        let arns = Arns::new("us-gov-west-1", "123456789012");

        assert_eq!(
            arns.iam_user("AKIDLOCAL"),
            "arn:aws-us-gov:iam::123456789012:user/AKIDLOCAL"
        );
    }

    #[test]
    fn region_names_are_recognised() {
        assert!(is_region("us-east-1"));
        assert!(is_region("us-gov-west-1"));
        assert!(!is_region("us-east"));
        assert!(!is_region("US-EAST-1"));
        assert!(!is_region("useast1"));
    }

    #[test]
    fn account_id_needs_twelve_digits() {
        assert!(is_account_id("123456789012"));
        assert!(!is_account_id("12345678901"));
    }
}

//! A headless user for the consent step of the user-federation flow.

/// Plays the user: opens the authorization URL and follows every redirect by hand, through the
/// local service, the authorization server and the service's callback, to the return URL.
pub async fn consent(url: String) {
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut next = reqwest::Url::parse(&url).unwrap();
    for _ in 0..10 {
        let response = browser.get(next.clone()).send().await.unwrap();
        let Some(location) = response.headers().get("location") else {
            return;
        };
        next = next.join(location.to_str().unwrap()).unwrap();
    }
    panic!("more than 10 redirects from {url}");
}

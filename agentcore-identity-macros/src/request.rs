//! Builds, for each credential, the static that describes the request and the call that
//! fetches the credential.

use proc_macro2::{Literal, Span, TokenStream};
use quote::quote;
use syn::ext::IdentExt;
use syn::{Ident, LitStr};

use crate::args::{Arg, Args};
use crate::attr::{Attribute, Credential, DEFAULT_DURATION_SECONDS, SigningAlgorithm};

/// The paths through which the expansion reaches the runtime crate.
pub(crate) struct Runtime {
    /// `::agentcore_identity_runtime`, or the path given with `crate = path`.
    root: TokenStream,
}

impl Runtime {
    pub(crate) fn new(args: &Args) -> Runtime {
        let root = match &args.krate {
            Some(krate) => {
                let path = &krate.value;
                quote!(#path)
            }
            None => quote!(::agentcore_identity_runtime),
        };
        Runtime { root }
    }

    /// Returns the path of the hidden module that contains what expansions call.
    pub(crate) fn private(&self) -> TokenStream {
        let root = &self.root;
        quote!(#root::__private)
    }
}

/// Returns the type and value of the static that describes the request.
pub(crate) fn spec(
    attribute: &Attribute,
    args: &Args,
    function: &Ident,
    runtime: &Runtime,
) -> (TokenStream, TokenStream) {
    let private = runtime.private();
    let function = LitStr::new(&function.unraw().to_string(), function.span());
    match attribute.credential {
        Credential::ApiKey => {
            let provider = args.provider.as_ref().map(|provider| &provider.value);
            (
                quote!(#private::ApiKeySpec),
                quote!(#private::ApiKeySpec { provider: #provider, function: #function }),
            )
        }
        Credential::WorkloadAccessToken => (
            quote!(#private::WorkloadTokenSpec),
            quote!(#private::WorkloadTokenSpec { function: #function }),
        ),
        Credential::AccessToken => (
            quote!(#private::AccessTokenSpec),
            access_token_spec(args, &function, runtime),
        ),
        Credential::IamAccessToken => (
            quote!(#private::IamTokenSpec),
            iam_token_spec(args, &function, runtime),
        ),
    }
}

fn access_token_spec(args: &Args, function: &LitStr, runtime: &Runtime) -> TokenStream {
    let root = &runtime.root;
    let private = runtime.private();
    let provider = args.provider.as_ref().map(|provider| &provider.value);
    let flow = args.auth_flow.as_ref().map(|flow| {
        let variant = Ident::new(flow.value.variant(), flow.key.span());
        quote!(#root::OAuth2Flow::#variant)
    });
    let scopes = strings(args.scopes.as_ref());
    let callback_url = option(args.callback_url.as_ref());
    let force_authentication = match &args.force_authentication {
        Some(force) => force.value.value,
        None => false,
    };
    let custom_state = option(args.custom_state.as_ref());
    let custom_parameters = args
        .custom_parameters
        .iter()
        .flat_map(|parameters| &parameters.value)
        .map(|(name, value)| quote!((#name, #value)));
    let resources = strings(args.resources.as_ref());
    let audiences = strings(args.audiences.as_ref());

    quote! {
        #private::AccessTokenSpec {
            provider: #provider,
            flow: #flow,
            scopes: #scopes,
            callback_url: #callback_url,
            force_authentication: #force_authentication,
            custom_state: #custom_state,
            custom_parameters: &[#(#custom_parameters),*],
            resources: #resources,
            audiences: #audiences,
            function: #function,
        }
    }
}

fn iam_token_spec(args: &Args, function: &LitStr, runtime: &Runtime) -> TokenStream {
    let root = &runtime.root;
    let private = runtime.private();
    let audiences = strings(args.audience.as_ref());
    let algorithm = match &args.signing_algorithm {
        Some(algorithm) => Ident::new(algorithm.value.variant(), algorithm.key.span()),
        None => Ident::new(SigningAlgorithm::default().variant(), Span::call_site()),
    };
    let duration_seconds = Literal::u32_unsuffixed(
        args.duration_seconds
            .as_ref()
            .map_or(DEFAULT_DURATION_SECONDS, |duration| duration.value),
    );
    let tags = args
        .tags
        .iter()
        .flat_map(|tags| &tags.value)
        .map(|(key, value)| quote!((#key, #value)));

    quote! {
        #private::IamTokenSpec {
            audiences: #audiences,
            algorithm: #root::SigningAlgorithm::#algorithm,
            duration_seconds: #duration_seconds,
            tags: &[#(#tags),*],
            function: #function,
        }
    }
}

/// Returns `&["a", "b"]`, empty when the argument is absent.
fn strings(arg: Option<&Arg<Vec<LitStr>>>) -> TokenStream {
    let strings = arg.iter().flat_map(|arg| &arg.value);
    quote!(&[#(#strings),*])
}

fn option(arg: Option<&Arg<LitStr>>) -> TokenStream {
    match arg {
        Some(arg) => {
            let value = &arg.value;
            quote!(::core::option::Option::Some(#value))
        }
        None => quote!(::core::option::Option::None),
    }
}

/// Returns the expression that fetches the credential described by the static `spec`.
pub(crate) fn fetch(
    attribute: &Attribute,
    args: &Args,
    runtime: &Runtime,
    spec: &Ident,
    is_async: bool,
) -> TokenStream {
    let private = runtime.private();
    let name = match attribute.credential {
        Credential::ApiKey => "fetch_api_key",
        Credential::WorkloadAccessToken => "fetch_workload_access_token",
        Credential::AccessToken => "fetch_access_token",
        Credential::IamAccessToken => "fetch_iam_access_token",
    };
    let function = if is_async {
        Ident::new(name, Span::call_site())
    } else {
        Ident::new(&format!("{name}_blocking"), Span::call_site())
    };

    let handlers = match attribute.credential {
        Credential::AccessToken => {
            let on_auth_url = match &args.on_auth_url {
                Some(handler) => {
                    let handler = &handler.value;
                    quote!(#handler)
                }
                None => quote!(#private::DefaultAuthUrlHandler),
            };
            let poller = match &args.token_poller {
                Some(poller) => {
                    let poller = &poller.value;
                    quote!(#poller)
                }
                None => quote!(<#private::DefaultPoller as ::core::default::Default>::default()),
            };
            quote!(, #on_auth_url, #poller)
        }
        Credential::ApiKey | Credential::WorkloadAccessToken | Credential::IamAccessToken => {
            TokenStream::new()
        }
    };

    let call = quote!(#private::#function(&#spec #handlers));
    if is_async { quote!(#call.await) } else { call }
}

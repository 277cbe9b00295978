use proc_macro2::TokenStream;

/// Collects the errors of one attribute so that a single build reports all of them.
#[derive(Default)]
pub(crate) struct Errors {
    combined: Option<syn::Error>,
}

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.combined {
            Some(combined) => combined.combine(error),
            None => self.combined = Some(error),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.combined.is_none()
    }

    /// Returns the errors as `compile_error!` invocations, followed by the unchanged item.
    ///
    /// The item stays so that code using it keeps resolving and the build shows only the
    /// attribute's own errors.
    pub(crate) fn into_output(self, item: TokenStream) -> TokenStream {
        let mut output = self
            .combined
            .map(syn::Error::into_compile_error)
            .unwrap_or_default();
        output.extend(item);
        output
    }
}

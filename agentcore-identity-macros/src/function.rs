//! Parses the item under an attribute as a free function, a method or a trait method.

use proc_macro2::TokenStream;
use quote::{ToTokens, TokenStreamExt};
use syn::parse::{Parse, ParseStream, Parser};
use syn::{Attribute, Block, Item, Signature, Stmt, Token, Visibility, braced, token};

use crate::attr;

/// A function item in the shapes attributes receive it: a free function, a method of an
/// inherent or trait impl, or a trait method with or without a default body.
pub(crate) struct Function {
    /// Outer attributes, including doc comments and attributes that expand after this one.
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) defaultness: Option<Token![default]>,
    pub(crate) sig: Signature,
    pub(crate) body: Body,
}

pub(crate) enum Body {
    Block {
        brace: token::Brace,
        inner_attrs: Vec<Attribute>,
        stmts: Vec<Stmt>,
    },
    /// A trait method or foreign function declared without a body.
    Missing(Token![;]),
}

/// Parses `item`, or explains that the attribute applies to functions only.
pub(crate) fn parse(attribute: &attr::Attribute, item: TokenStream) -> syn::Result<Function> {
    let parse_function = |input: ParseStream| {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        let keyword = input.span();
        if starts_signature(input) {
            Ok(Function {
                attrs,
                vis,
                defaultness: input.parse()?,
                sig: input.parse()?,
                body: input.parse()?,
            })
        } else {
            Err(syn::Error::new(keyword, ""))
        }
    };

    parse_function.parse2(item.clone()).map_err(|error| {
        let found = describe_item(item);
        let message = format!(
            "`#[{}]` applies only to functions and methods, found {found}. Put it on the function that needs the {}",
            attribute.name, attribute.noun,
        );
        syn::Error::new(error.span(), message)
    })
}

/// Returns whether the input continues with `default` or a function signature, which
/// keeps a `const` or `unsafe impl` item from being taken for a function.
fn starts_signature(input: ParseStream) -> bool {
    let fork = input.fork();
    fork.parse::<Option<Token![default]>>().is_ok() && fork.parse::<Signature>().is_ok()
}

fn describe_item(item: TokenStream) -> &'static str {
    match syn::parse2::<Item>(item) {
        Ok(Item::Struct(_)) => "a struct",
        Ok(Item::Enum(_)) => "an enum",
        Ok(Item::Union(_)) => "a union",
        Ok(Item::Impl(_)) => "an impl block",
        Ok(Item::Trait(_) | Item::TraitAlias(_)) => "a trait",
        Ok(Item::Mod(_)) => "a module",
        Ok(Item::Const(_)) => "a constant",
        Ok(Item::Static(_)) => "a static",
        Ok(Item::Type(_)) => "a type alias",
        Ok(Item::Use(_)) => "a `use` declaration",
        Ok(Item::ExternCrate(_)) => "an `extern crate` declaration",
        Ok(Item::ForeignMod(_)) => "an `extern` block",
        Ok(Item::Macro(_)) => "a macro invocation",
        _ => "an item that is not a function",
    }
}

impl Parse for Body {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.peek(Token![;]) {
            return Ok(Body::Missing(input.parse()?));
        }
        let content;
        let brace = braced!(content in input);
        Ok(Body::Block {
            brace,
            inner_attrs: content.call(Attribute::parse_inner)?,
            stmts: content.call(Block::parse_within)?,
        })
    }
}

impl ToTokens for Function {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.append_all(&self.attrs);
        self.vis.to_tokens(tokens);
        self.defaultness.to_tokens(tokens);
        self.sig.to_tokens(tokens);
        self.body.to_tokens(tokens);
    }
}

impl ToTokens for Body {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            Body::Block {
                brace,
                inner_attrs,
                stmts,
            } => brace.surround(tokens, |tokens| {
                tokens.append_all(inner_attrs);
                tokens.append_all(stmts);
            }),
            Body::Missing(semi) => semi.to_tokens(tokens),
        }
    }
}

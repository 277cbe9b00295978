//! Reads the value of one argument as the type its key expects.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, Lit, LitBool, LitStr, Path, Token};

use crate::attr::{Attribute, Key};

/// One argument as written, before its value is checked.
pub(crate) struct RawArg<'a> {
    pub(crate) attribute: &'a Attribute,
    pub(crate) key: Key,
    pub(crate) key_ident: Ident,
    /// The tokens after `=`, up to the next comma outside brackets.
    pub(crate) value: TokenStream,
}

impl RawArg<'_> {
    pub(crate) fn string(&self) -> syn::Result<LitStr> {
        match self.single_literal() {
            Some(Lit::Str(lit)) => Ok(lit),
            _ => Err(self.wrong_type("a string")),
        }
    }

    pub(crate) fn bool(&self) -> syn::Result<LitBool> {
        match syn::parse2::<LitBool>(self.value.clone()) {
            Ok(lit) => Ok(lit),
            Err(_) => Err(self.wrong_type("`true` or `false`")),
        }
    }

    /// Reads a path, also accepting it as a string as serde and tokio do for `crate`.
    pub(crate) fn path(&self) -> syn::Result<Path> {
        if let Some(Lit::Str(lit)) = self.single_literal() {
            return lit.parse_with(Path::parse_mod_style).map_err(|_| {
                let message = format!(
                    "{} expects a path such as `{}`, found {:?}, which is not a path",
                    self.subject(),
                    self.key.example(self.attribute),
                    lit.value(),
                );
                syn::Error::new(lit.span(), message)
            });
        }
        Path::parse_mod_style
            .parse2(self.value.clone())
            .map_err(|_| self.wrong_type("a path"))
    }

    /// Reads an integer literal with an optional `-`, and returns its base-10 digits with the
    /// sign, such as `-5` for `-0x5`.
    ///
    /// A suffix must name an integer type, as in `300u32`.
    pub(crate) fn integer(&self) -> syn::Result<String> {
        let tokens: Vec<TokenTree> = self.value.clone().into_iter().collect();
        let (sign, literal) = match tokens.as_slice() {
            [TokenTree::Literal(literal)] => ("", literal),
            [TokenTree::Punct(minus), TokenTree::Literal(literal)] if minus.as_char() == '-' => {
                ("-", literal)
            }
            _ => return Err(self.wrong_type("an integer")),
        };

        match Lit::new(literal.clone()) {
            Lit::Int(lit) if INTEGER_SUFFIXES.contains(&lit.suffix()) => {
                Ok(format!("{sign}{}", lit.base10_digits()))
            }
            Lit::Int(_) | Lit::Float(_) => {
                let message = format!(
                    "{} expects an integer such as `{}`, found `{sign}{literal}`",
                    self.subject(),
                    self.key.example(self.attribute),
                );
                Err(syn::Error::new_spanned(&self.value, message))
            }
            _ => Err(self.wrong_type("an integer")),
        }
    }

    /// Reads `["a", "b"]`, which may be empty.
    pub(crate) fn string_list(&self) -> syn::Result<Vec<LitStr>> {
        let Some(content) = self.single_group(Delimiter::Bracket) else {
            return Err(self.wrong_type("a list of strings"));
        };
        let parse = Punctuated::<Lit, Token![,]>::parse_terminated;
        let items = parse
            .parse2(content)
            .map_err(|_| self.wrong_type("a list of strings"))?;

        items
            .into_iter()
            .map(|item| match item {
                Lit::Str(lit) => Ok(lit),
                other => {
                    let message = format!(
                        "{} expects a list of strings such as `{}`, found {} in the list",
                        self.subject(),
                        self.key.example(self.attribute),
                        describe_literal(&other),
                    );
                    Err(syn::Error::new(other.span(), message))
                }
            })
            .collect()
    }

    /// Reads `{"name": "value", ...}`, which may be empty.
    pub(crate) fn string_map(&self) -> syn::Result<Vec<(LitStr, LitStr)>> {
        let Some(content) = self.single_group(Delimiter::Brace) else {
            return Err(self.wrong_type("a map of strings"));
        };
        let parse = |input: ParseStream| {
            Punctuated::<(LitStr, LitStr), Token![,]>::parse_terminated_with(input, parse_entry)
        };
        let entries = parse.parse2(content).map_err(|error| {
            let message = format!(
                "{} expects a map of strings such as `{}`",
                self.subject(),
                self.key.example(self.attribute),
            );
            syn::Error::new(error.span(), message)
        })?;
        Ok(entries.into_iter().collect())
    }

    /// Reads an expression, which the expansion evaluates each time the function runs.
    pub(crate) fn expr(&self) -> syn::Result<Expr> {
        syn::parse2::<Expr>(self.value.clone()).map_err(|_| self.wrong_type("an expression"))
    }

    fn single_literal(&self) -> Option<Lit> {
        let mut tokens = self.value.clone().into_iter();
        match (tokens.next(), tokens.next()) {
            (Some(TokenTree::Literal(literal)), None) => Some(Lit::new(literal)),
            _ => None,
        }
    }

    fn single_group(&self, delimiter: Delimiter) -> Option<TokenStream> {
        let mut tokens = self.value.clone().into_iter();
        match (tokens.next(), tokens.next()) {
            (Some(TokenTree::Group(group)), None) if group.delimiter() == delimiter => {
                Some(group.stream())
            }
            _ => None,
        }
    }

    /// Returns how messages name this argument, as in "`provider` in `#[requires_api_key]`".
    pub(crate) fn subject(&self) -> String {
        format!("`{}` in `#[{}]`", self.key.name(), self.attribute.name)
    }

    /// Builds the error for a value of the wrong kind, naming what was found.
    pub(crate) fn wrong_type(&self, expected: &str) -> syn::Error {
        let message = format!(
            "{} expects {expected} such as `{}`, found {}",
            self.subject(),
            self.key.example(self.attribute),
            describe(&self.value),
        );
        if self.value.is_empty() {
            syn::Error::new(self.key_ident.span(), message)
        } else {
            syn::Error::new_spanned(&self.value, message)
        }
    }
}

/// The suffixes an integer literal may have: none, or an integer type.
const INTEGER_SUFFIXES: &[&str] = &[
    "", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
];

fn parse_entry(input: ParseStream) -> syn::Result<(LitStr, LitStr)> {
    let name = input.parse()?;
    input.parse::<Token![:]>()?;
    Ok((name, input.parse()?))
}

/// Describes a value's kind for a wrong-type message, as in "found a number".
fn describe(value: &TokenStream) -> String {
    let tokens: Vec<TokenTree> = value.clone().into_iter().collect();
    match tokens.as_slice() {
        [] => "nothing".to_owned(),
        [TokenTree::Literal(literal)] => describe_literal(&Lit::new(literal.clone())).to_owned(),
        [TokenTree::Punct(minus), TokenTree::Literal(_)] if minus.as_char() == '-' => {
            "a number".to_owned()
        }
        [TokenTree::Ident(ident)] if ident == "true" || ident == "false" => "a boolean".to_owned(),
        [TokenTree::Group(group)] => match group.delimiter() {
            Delimiter::Bracket => "a list".to_owned(),
            Delimiter::Brace => "a block".to_owned(),
            Delimiter::Parenthesis | Delimiter::None => "a parenthesized expression".to_owned(),
        },
        _ => match syn::parse2::<Path>(value.clone()) {
            Ok(path) => format!("`{}`", path_to_string(&path)),
            Err(_) => "an expression".to_owned(),
        },
    }
}

fn describe_literal(lit: &Lit) -> &'static str {
    match lit {
        Lit::Str(_) => "a string",
        Lit::ByteStr(_) => "a byte string",
        Lit::CStr(_) => "a C string",
        Lit::Byte(_) => "a byte",
        Lit::Char(_) => "a character",
        Lit::Int(_) | Lit::Float(_) => "a number",
        Lit::Bool(_) => "a boolean",
        _ => "a literal",
    }
}

pub(crate) fn path_to_string(path: &Path) -> String {
    let segments: Vec<String> = path
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect();
    let joined = segments.join("::");
    match path.leading_colon {
        Some(_) => format!("::{joined}"),
        None => joined,
    }
}

/// Formats names as a list in backticks: "`a`, `b` and `c`".
pub(crate) fn list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let names: Vec<String> = names.into_iter().map(|name| format!("`{name}`")).collect();
    match names.as_slice() {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

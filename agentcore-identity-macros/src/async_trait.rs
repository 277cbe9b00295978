//! Recognises a method that `#[async_trait]` has already rewritten.
//!
//! `#[async_trait]` sits on the impl or trait block, so it expands before an attribute on
//! one of its methods. As of async-trait 0.1.92 it turns
//!
//! ```text
//! async fn ask(&self, api_key: SecretString) -> R { body }
//! ```
//!
//! into
//!
//! ```text
//! fn ask<'life0, 'async_trait>(&'life0 self, api_key: SecretString)
//!     -> Pin<Box<dyn Future<Output = R> + Send + 'async_trait>>
//! {
//!     Box::pin(async move {
//!         if let Option::Some(__ret) = Option::None::<R> { return __ret; }
//!         let __self = self;
//!         let api_key = api_key;
//!         let __ret: R = { body };
//!         __ret
//!     })
//! }
//! ```
//!
//! with `mut` moved from the parameter to its `let`. The credential has to be fetched inside
//! that async block, awaited rather than blocking a runtime thread.

use syn::{Expr, GenericArgument, PathArguments, Stmt, Type, TypeParamBound};

use crate::function::Body;

/// Returns the `Output` type of the boxed future when the function has the shape above.
///
/// The function must be a plain `fn` returning `Pin<Box<dyn Future<Output = R> ...>>`,
/// matched by the last segment of each path, and its body must end in
/// `Box::pin(async move { ... })`. Paths are matched by their last segments, because
/// `#[async_trait]` writes `::core::pin::Pin` but `Box::pin` unqualified.
pub(crate) fn boxed_output<'a>(sig: &'a syn::Signature, body: &Body) -> Option<&'a Type> {
    if sig.asyncness.is_some() {
        return None;
    }
    let syn::ReturnType::Type(_, pinned) = &sig.output else {
        return None;
    };
    let boxed = single_type_arg(pinned, "Pin")?;
    let Type::TraitObject(object) = single_type_arg(boxed, "Box")? else {
        return None;
    };
    let output = object.bounds.iter().find_map(future_output)?;

    let Body::Block { stmts, .. } = body else {
        return None;
    };
    let [.., last] = stmts.as_slice() else {
        return None;
    };
    async_block_of(last).map(|_| output)
}

/// Returns the statements of the async block in a body that [`boxed_output`] accepted.
pub(crate) fn async_block_stmts(stmts: &mut [Stmt]) -> Option<&mut Vec<Stmt>> {
    let Some(Stmt::Expr(Expr::Call(call), None)) = stmts.last_mut() else {
        return None;
    };
    match call.args.first_mut() {
        Some(Expr::Async(block)) => Some(&mut block.block.stmts),
        _ => None,
    }
}

/// Returns the async block `stmt` passes to `Box::pin`, if it is such a call.
fn async_block_of(stmt: &Stmt) -> Option<&syn::ExprAsync> {
    let Stmt::Expr(Expr::Call(call), None) = stmt else {
        return None;
    };
    let Expr::Path(func) = &*call.func else {
        return None;
    };
    let segments: Vec<_> = func.path.segments.iter().map(|s| &s.ident).collect();
    let [.., owner, method] = segments.as_slice() else {
        return None;
    };
    if *owner != "Box" || *method != "pin" || call.args.len() != 1 {
        return None;
    }
    match call.args.first() {
        Some(Expr::Async(block)) => Some(block),
        _ => None,
    }
}

/// Returns `T` when `ty` is a path ending in `name<T>`.
fn single_type_arg<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    let Type::Path(path) = ty else {
        return None;
    };
    let segment = path.path.segments.last()?;
    if segment.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    match args.args.iter().collect::<Vec<_>>().as_slice() {
        [GenericArgument::Type(inner)] => Some(inner),
        _ => None,
    }
}

/// Returns `R` when the bound is `Future<Output = R>`, under any path.
fn future_output(bound: &TypeParamBound) -> Option<&Type> {
    let TypeParamBound::Trait(bound) = bound else {
        return None;
    };
    let segment = bound.path.segments.last()?;
    if segment.ident != "Future" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    args.args.iter().find_map(|arg| match arg {
        GenericArgument::AssocType(assoc) if assoc.ident == "Output" => Some(&assoc.ty),
        _ => None,
    })
}

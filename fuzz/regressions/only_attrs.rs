#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]
//! Only inner attributes and docs.

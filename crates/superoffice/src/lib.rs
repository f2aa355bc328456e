//! A typed async client for the SuperOffice WebAPI.

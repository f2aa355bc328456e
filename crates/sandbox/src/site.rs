//! `GET /_site/{slug}`: each seeded company's small web page, for an
//! analyzer that reads company web sites.

use actix_web::{web, HttpResponse};

use crate::state::Shared;

/// The page of the company whose slug is given; 404 for unknown slugs.
pub async fn page(shared: web::Data<Shared>, slug: web::Path<String>) -> HttpResponse {
    let data = shared.data();
    let Some(contact) = data.contacts.values().find(|c| c.slug == *slug) else {
        return HttpResponse::NotFound()
            .content_type("text/html; charset=utf-8")
            .body("<!doctype html><title>Not found</title><h1>Not found</h1>");
    };
    let name = escape(&contact.name);
    let about = contact
        .profile
        .as_ref()
        .map(|p| escape(&p.about))
        .unwrap_or_default();
    let city = escape(&contact.city);
    drop(data);

    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(format!(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{name}</title></head>\n<body><header><h1>{name}</h1></header>\n\
         <main><p>{about}</p><p>Visit us in {city}.</p></main>\n</body></html>\n"
        ))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

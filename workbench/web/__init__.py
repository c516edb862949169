"""The web layer: the application factory, the request's connection, the pages (views/),
the JSON API, logins and roles, security headers, compression and the server's hooks.
Imports every layer below it."""

// Package httpx is Pantau's generic HTTP machinery, kept apart from the
// handlers in internal/web: response caches (rendered pages, embeds),
// per-client rate limits, ETags and conditional requests, security
// headers with the one place a Content-Security-Policy is written,
// request ids and checks on hostile input. Nothing here knows Pantau's
// pages, words or data; what a refusal looks like is the caller's.
package httpx

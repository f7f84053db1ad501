// Package domain is Pantau's domain: regions, indicators, observations,
// plans and targets, with the rules that make them valid. It imports nothing
// from the edges (no HTTP, no SQL); the store and the web layer adapt to it.
package domain

import (
	"errors"
	"fmt"
)

// The few error kinds the whole service knows. Adapters map them once
// (HTTP status, exit code); wrap them with context using Errorf.
var (
	ErrNotFound     = errors.New("not found")
	ErrInvalid      = errors.New("invalid")
	ErrConflict     = errors.New("conflict")
	ErrUnauthorized = errors.New("unauthorized")
	ErrForbidden    = errors.New("forbidden")
)

// Errorf returns an error of the given kind whose message is safe to show to
// a user. errors.Is(err, kind) holds for the result.
func Errorf(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Error is a user-facing error of one of the known kinds.
type Error struct {
	Kind    error
	Message string
}

func (e *Error) Error() string { return e.Message }

// Unwrap lets errors.Is match the kind.
func (e *Error) Unwrap() error { return e.Kind }

// Message returns the user-safe message of err when it (or an error it wraps)
// is an *Error, and a generic text otherwise: internal details are never shown.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

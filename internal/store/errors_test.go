package store

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"

	"github.com/lib/pq"
)

func TestUnreachable(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"refused dial", fmt.Errorf("store: series: %w", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}), true},
		{"bad connection", fmt.Errorf("store: x: %w", driver.ErrBadConn), true},
		{"administrator shutdown", &pq.Error{Code: "57P01"}, true},
		{"starting up", &pq.Error{Code: "57P03"}, true},
		{"connection failure", &pq.Error{Code: "08006"}, true},
		{"syntax error", &pq.Error{Code: "42601"}, false},
		{"disk full", &pq.Error{Code: "53100"}, false},
		{"a client's body cut off", &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}, false},
		{"not found", errors.New("no such thing"), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Unreachable(tt.err); got != tt.want {
				t.Errorf("Unreachable(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

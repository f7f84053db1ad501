package httpx

import (
	"io"
	"net/http"
	"time"
)

// MinRate holds a request body to a minimum rate: before each read the
// connection's read deadline is set to when the bytes read so far are due
// at rate bytes per second, after grace. A sender
// that falls behind gets a read error wrapping os.ErrDeadlineExceeded,
// instead of holding its handler (and whatever the handler holds) until
// the server's read timeout. Without a connection that takes deadlines
// (an in-memory test), body is returned as it is.
func MinRate(w http.ResponseWriter, body io.ReadCloser, rate int64, grace time.Duration) io.ReadCloser {
	rc := http.NewResponseController(w)
	if rate <= 0 || rc.SetReadDeadline(time.Now().Add(grace)) != nil {
		return body
	}
	return &minRateReader{body: body, rc: rc, rate: rate, start: time.Now().Add(grace)}
}

type minRateReader struct {
	body  io.ReadCloser
	rc    *http.ResponseController
	rate  int64
	start time.Time // the first byte's due time: arrival plus grace
	read  int64
}

func (r *minRateReader) Read(p []byte) (int, error) {
	// The next byte is due when those read so far are: a read returns what
	// has arrived, so a buffer's size says nothing of the sender's pace.
	due := r.start.Add(time.Duration(float64(r.read) / float64(r.rate) * float64(time.Second)))
	r.rc.SetReadDeadline(due)
	n, err := r.body.Read(p)
	r.read += int64(n)
	if err != nil {
		// At the body's end net/http reads ahead for the next request on
		// the connection, and a deadline passing there would cancel this
		// request's context while its handler still works.
		r.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}

func (r *minRateReader) Close() error { return r.body.Close() }

package httpx

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

// maxCheckedForm is the largest urlencoded body ValidUTF8 reads to check
// it; the session forms are bounded the same (the CSRF check) and a larger
// body under that type is an upload sent by curl --data-binary, which the
// importer reads as a file.
const maxCheckedForm = 64 << 10

// ValidUTF8 refuses a request whose path, query or urlencoded form is not
// valid UTF-8: PostgreSQL would reject such a parameter deep in a query (a
// 500), SQLite would store the bytes, and no code or name in Pantau can
// contain it. refuse answers (a 400) with a message naming what is wrong.
// Multipart forms stream to their handler and are checked there
// (InvalidField); JSON bodies need no check, as encoding/json turns invalid
// bytes into U+FFFD. On fileRoutes (route templates) the body is a file
// whatever its type, which the importer decodes in its own encoding.
func ValidUTF8(refuse func(c *gin.Context, message string), fileRoutes ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !utf8.ValidString(c.Request.URL.Path) {
			refuse(c, "the request path is not valid UTF-8")
			return
		}
		if msg := InvalidField("query parameter", c.Request.URL.Query()); msg != "" {
			refuse(c, msg)
			return
		}
		if slices.Contains(fileRoutes, c.FullPath()) {
			c.Next()
			return
		}
		if form, ok := peekForm(c.Request); ok {
			if msg := InvalidField("form field", form); msg != "" {
				refuse(c, msg)
				return
			}
		}
		c.Next()
	}
}

// InvalidField says which field of vs (a kind of field, such as "form
// field") has a name or a value that is not valid UTF-8; "" when every one
// is valid.
func InvalidField(kind string, vs map[string][]string) string {
	for k, list := range vs {
		if !utf8.ValidString(k) {
			return "a " + kind + " is not valid UTF-8"
		}
		for _, v := range list {
			if !utf8.ValidString(v) {
				return kind + " " + strconv.Quote(k) + " is not valid UTF-8"
			}
		}
	}
	return ""
}

// peekForm reads an urlencoded body of up to maxCheckedForm bytes and puts
// it back for the handler; ok is false for other bodies, larger ones and
// ones that do not parse (the handler will say so).
func peekForm(r *http.Request) (url.Values, bool) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, false
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return nil, false
	}
	head, err := io.ReadAll(io.LimitReader(r.Body, maxCheckedForm+1))
	rest := r.Body
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), rest), rest}
	if err != nil || len(head) > maxCheckedForm {
		return nil, false
	}
	form, err := url.ParseQuery(string(head))
	return form, err == nil
}

package httpx

import (
	"strconv"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

// ValidUTF8 refuses a request whose path or query is not valid UTF-8:
// PostgreSQL would reject such a parameter deep in a query (a 500), and no
// code or name in Pantau can contain it. refuse answers (a 400) with a
// message naming what is wrong.
func ValidUTF8(refuse func(c *gin.Context, message string)) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !utf8.ValidString(c.Request.URL.Path) {
			refuse(c, "the request path is not valid UTF-8")
			return
		}
		for k, vs := range c.Request.URL.Query() {
			for _, v := range vs {
				if !utf8.ValidString(k) || !utf8.ValidString(v) {
					name := "a query parameter"
					if utf8.ValidString(k) {
						name = "query parameter " + strconv.Quote(k)
					}
					refuse(c, name+" is not valid UTF-8")
					return
				}
			}
		}
		c.Next()
	}
}

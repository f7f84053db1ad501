package web

import (
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

// validUTF8 refuses a request whose path or query is not valid UTF-8 with a
// 400: PostgreSQL would reject such a parameter deep in a query (a 500),
// and no code or name in Pantau can contain it.
func validUTF8() gin.HandlerFunc {
	return func(c *gin.Context) {
		if !utf8.ValidString(c.Request.URL.Path) {
			c.AbortWithStatusJSON(http.StatusBadRequest, errorBody("invalid", "the request path is not valid UTF-8", nil))
			return
		}
		for k, vs := range c.Request.URL.Query() {
			for _, v := range vs {
				if !utf8.ValidString(k) || !utf8.ValidString(v) {
					name := "a query parameter"
					if utf8.ValidString(k) {
						name = "query parameter " + strconv.Quote(k)
					}
					c.AbortWithStatusJSON(http.StatusBadRequest, errorBody("invalid", name+" is not valid UTF-8", nil))
					return
				}
			}
		}
		c.Next()
	}
}

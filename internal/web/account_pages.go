package web

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"pantau/internal/domain"
	"pantau/internal/locale"
	"pantau/internal/store"
)

// accountLayout gives one of the account pages (login.html, logout.html,
// account.html) the language's texts. They are never cached (accountFrame
// is private): they carry a CSRF token, and the account page a person's
// details. They write no nonce: they run no script.
func accountLayout(_ *Server, c *gin.Context, name string, data map[string]any) string {
	l := lang(c)
	data["Lang"] = l
	t, ok := data["T"].(map[string]string)
	if !ok {
		t = accountTexts[l]
		data["T"] = t
	}
	data["Title"] = t[strings.TrimSuffix(name, ".html")+"Title"]
	q := ""
	if cl := carriedLang(l); cl != "" {
		q = "&lang=" + cl.String()
	}
	if t := theme(c); t != "" {
		q += "&theme=" + t
	}
	data["Theme"] = theme(c)
	// The same language and theme switches as the public pages'.
	pt := texts[l]
	data["Switch"] = map[string]string{"OtherLang": pageURLWith(c, "lang", string(l.Other())),
		"Theme": pt["theme"], "Light": pt["light"], "Dark": pt["dark"], "Auto": pt["auto"],
		"LightURL": pageURLWith(c, "theme", "light"), "DarkURL": pageURLWith(c, "theme", "dark"), "AutoURL": pageURLWith(c, "theme", "")}
	data["LangQuery"] = ""
	if q != "" {
		data["LangQuery"] = "?" + q[1:]
	}
	return ""
}

// accountError answers an account page request that failed on our side.
func (s *Server) accountError(c *gin.Context, err error) {
	s.showProblem(c, accountFrame, "login.html", map[string]any{}, err, pageWords{internal: accountTexts[lang(c)]["internal"]})
}

// carriedLang is the language a page carries on the links, forms and
// redirects where the reader's language must outlive a form (the account,
// review, upload and catalogue pages, the public pages' selector forms)
// and the manifest on its start page: the zero Lang in Indonesian, which
// as the default needs no ?lang=. Unlike langParam, which keeps only an
// explicit ?lang= on the public pages' links, it carries the language the
// page was shown in, whether ?lang= or Accept-Language chose it. The
// templates call it too.
func carriedLang(l locale.Lang) locale.Lang {
	if l != locale.EN {
		return ""
	}
	return l
}

// redirectLang sends the browser to path, keeping the page's language
// (carriedLang) unless path names one. The language goes into the query,
// before a #fragment (the catalogue returns to the row it changed).
func redirectLang(c *gin.Context, path string) {
	if cl := carriedLang(lang(c)); cl != "" && !strings.Contains(path, "lang=") {
		base, frag, hasFrag := strings.Cut(path, "#")
		sep := "?"
		if strings.Contains(base, "?") {
			sep = "&"
		}
		path = base + sep + "lang=" + cl.String()
		if hasFrag {
			path += "#" + frag
		}
	}
	c.Redirect(http.StatusSeeOther, path)
}

// safeNext keeps a post-login destination on this site: a path, never
// "//host" or "/\host", which browsers read as another site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, `/\`) ||
		strings.ContainsAny(next, "\r\n\t\\") || len(next) > 2000 || strings.HasPrefix(next, "/masuk") || strings.HasPrefix(next, "/keluar") {
		return "/akun"
	}
	return next
}

// loginCSRF returns the login form's double-submit token, setting its
// cookie when the browser has none yet.
func (s *Server) loginCSRF(c *gin.Context) string {
	if v, err := c.Cookie(loginCSRFCookie); err == nil && len(v) >= 32 {
		return v
	}
	var b [32]byte
	rand.Read(b[:])
	v := base64.RawURLEncoding.EncodeToString(b[:])
	s.setCookie(c, loginCSRFCookie, v, time.Hour)
	return v
}

// showLogin writes the login form, with the address typed in and a
// problem to show, if any.
func (s *Server) showLogin(c *gin.Context, status int, email, problem string) {
	next := c.Query("next")
	if v := c.PostForm("next"); v != "" {
		next = v
	}
	s.renderPage(c, status, accountFrame, "login.html", map[string]any{"CSRF": s.loginCSRF(c), "Email": email, "Problem": problem, "Next": safeNext(next)})
}

// loginPage answers GET /masuk.
func (s *Server) loginPage(c *gin.Context) {
	if principal(c).LoggedIn() {
		redirectLang(c, "/akun")
		return
	}
	s.showLogin(c, http.StatusOK, "", "")
}

// login answers POST /masuk: a session on success (a fresh one: any id a
// browser had before is not reused), the form again with one message for
// every kind of refusal otherwise.
func (s *Server) login(c *gin.Context) {
	t := accountTexts[lang(c)]
	cookie, _ := c.Cookie(loginCSRFCookie)
	if !sameToken(cookie, c.PostForm(csrfField)) {
		s.showLogin(c, http.StatusForbidden, "", t["csrf"])
		return
	}
	email := domain.NormalizeEmail(c.PostForm("email"))
	ctx := c.Request.Context()
	secret, _, u, err := s.store.Login(ctx, email, c.PostForm("password"), c.ClientIP())
	if err != nil {
		if !store.ErrBadLogin(err) {
			s.accountError(c, err)
			return
		}
		c.Set(auditActionKey, "login_failed")
		c.Set(auditObjectKey, "email:"+truncate(email, 254))
		c.Set(auditAlwaysKey, true)
		s.showLogin(c, http.StatusUnauthorized, email, t["badLogin"])
		return
	}
	if old, err := c.Cookie(sessionCookie); err == nil && old != "" {
		if err := s.store.DeleteSession(ctx, old); err != nil {
			s.log.Warn("login: end previous session", "err", err)
		}
	}
	s.setCookie(c, sessionCookie, secret, store.SessionLifetime)
	s.clearCookie(c, loginCSRFCookie)
	p := domain.UserPrincipal(u)
	c.Set(principalKey, p)
	c.Set(auditActionKey, "login")
	c.Set(auditObjectKey, domain.Ref(domain.ByUser, u.ID))
	redirectLang(c, safeNext(c.PostForm("next")))
}

// logoutPage answers GET /keluar with a button: logging out is a POST, so
// that no link or image on another site can do it.
func (s *Server) logoutPage(c *gin.Context) {
	sess, ok := session(c)
	if !ok {
		redirectLang(c, "/")
		return
	}
	s.renderPage(c, http.StatusOK, accountFrame, "logout.html", map[string]any{"CSRF": sess.CSRF, "Principal": principal(c)})
}

// logout answers POST /keluar: the session ends on the server, not only in
// the browser.
func (s *Server) logout(c *gin.Context) {
	if secret, err := c.Cookie(sessionCookie); err == nil && secret != "" {
		if err := s.store.DeleteSession(c.Request.Context(), secret); err != nil {
			s.accountError(c, err)
			return
		}
	}
	s.clearCookie(c, sessionCookie)
	c.Set(auditActionKey, "logout")
	c.Set(auditObjectKey, domain.Ref(domain.ByUser, principal(c).UserID))
	redirectLang(c, "/")
}

// accountPage answers GET /akun: who is logged in, and the password form.
func (s *Server) accountPage(c *gin.Context) {
	s.showAccount(c, http.StatusOK, "")
}

// showAccount writes the account page of the person logged in, with a
// problem to show, if any.
func (s *Server) showAccount(c *gin.Context, status int, problem string) {
	p := principal(c)
	sess, _ := session(c)
	u, err := s.store.User(c.Request.Context(), p.UserID)
	if err != nil {
		s.accountError(c, err)
		return
	}
	agency := ""
	if p.Role == domain.RoleUploader {
		agency = p.AgencyCode
	}
	waiting, err := s.store.PendingSubmissions(c.Request.Context(), agency)
	if err != nil {
		s.accountError(c, err)
		return
	}
	s.renderPage(c, status, accountFrame, "account.html", map[string]any{"Waiting": waiting, "User": u, "CSRF": sess.CSRF, "Problem": problem,
		"Changed": c.Query("changed") == "1", "Admin": p.IsAdmin(), "MinPassword": domain.MinPasswordLength,
		"CanUpload": p.CanUpload()})
}

// changePassword answers POST /akun/sandi. The current password is asked
// again; on success every session of the account ends and this browser
// gets a new one.
func (s *Server) changePassword(c *gin.Context) {
	t := accountTexts[lang(c)]
	p := principal(c)
	next := c.PostForm("new_password")
	if next != c.PostForm("confirm_password") {
		s.showAccount(c, http.StatusBadRequest, t["mismatch"])
		return
	}
	ctx := c.Request.Context()
	err := s.store.ChangePassword(ctx, p.UserID, c.PostForm("current_password"), next)
	switch {
	case errors.Is(err, domain.ErrForbidden):
		c.Set(auditActionKey, "password_change_refused")
		c.Set(auditObjectKey, domain.Ref(domain.ByUser, p.UserID))
		c.Set(auditAlwaysKey, true)
		s.showAccount(c, http.StatusForbidden, t["wrongCurrent"])
		return
	case errors.Is(err, domain.ErrInvalid):
		s.showAccount(c, http.StatusBadRequest, fmt.Sprintf(t["weakPassword"], domain.MinPasswordLength, domain.MaxPasswordBytes))
		return
	case err != nil:
		s.accountError(c, err)
		return
	}
	secret, _, err := s.store.CreateSession(ctx, p.UserID, c.ClientIP())
	if err != nil {
		s.accountError(c, err)
		return
	}
	s.setCookie(c, sessionCookie, secret, store.SessionLifetime)
	c.Set(auditActionKey, "password_change")
	c.Set(auditObjectKey, domain.Ref(domain.ByUser, p.UserID))
	redirectLang(c, "/akun?changed=1")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// accountTexts are the account pages' strings per language.
var accountTexts = locale.Sections("account")

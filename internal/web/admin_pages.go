package web

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"pantau/internal/domain"
	"pantau/internal/httpx"
	"pantau/internal/locale"
	"pantau/internal/store"
)

// Administration pages (/admin/…): accounts and agency tokens, as plain
// forms that work without script, like the account pages. The routes put
// requireLogin and requireAdminPage in front of every handler here.

// requireAdminPage answers a logged-in person who is not an administrator
// with a page saying so (requireLogin has sent everyone else to log in).
func (s *Server) requireAdminPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		if principal(c).IsAdmin() {
			c.Next()
			return
		}
		s.renderPage(c, http.StatusForbidden, accountFrame, "admin_forbidden.html", map[string]any{"T": adminPageTexts[lang(c)]})
		c.Abort()
	}
}

// adminPageTexts are the account pages' texts with the administration
// pages' own, per language.
var adminPageTexts = func() map[locale.Lang]map[string]string {
	out := map[locale.Lang]map[string]string{}
	for l, t := range accountTexts {
		out[l] = maps.Clone(t)
		maps.Copy(out[l], adminTexts[l])
	}
	return out
}()

// adminLayout gives an administration page the account pages' layout,
// wide, with the session's CSRF token and the notice ?ok= names.
func adminLayout(s *Server, c *gin.Context, name string, data map[string]any) string {
	l := lang(c)
	sess, _ := session(c)
	data["T"] = adminPageTexts[l]
	data["CSRF"] = sess.CSRF
	data["Wide"] = true
	data["Page"] = strings.TrimSuffix(name, ".html")
	if _, ok := data["Done"]; !ok {
		if key := c.Query("ok"); key != "" && adminPageTexts[l]["ok_"+key] != "" {
			data["Done"] = adminPageTexts[l]["ok_"+key]
			if key == "created" {
				data["At"] = "create"
			}
		}
	}
	data["Lockouts"] = s.lockoutNotices(c)
	// Notices show at the top of the page, or beside the create form
	// (whose action jumps to it, #baru) for that form's answers.
	if _, ok := data["At"]; !ok {
		data["At"] = "top"
	}
	return accountLayout(s, c, name, data)
}

// lockoutNotices tells administrators which sources are locked out of
// which accounts now: a stranger's guessing shows, though it locks out no
// one but the stranger.
func (s *Server) lockoutNotices(c *gin.Context) []string {
	locks, err := s.store.Lockouts(c.Request.Context())
	if err != nil {
		s.log.Error("lockouts", "id", c.GetString(httpx.RequestIDKey), "err", err)
		return nil
	}
	l := lang(c)
	out := make([]string, len(locks))
	for i, k := range locks {
		out[i] = l.Get("scope.lockout", k.Source, k.Email, k.Failures, when(&k.LockedUntil))
	}
	return out
}

// adminWords name a refused write on the administration pages in language
// l.
func adminWords(l locale.Lang) pageWords {
	t := adminPageTexts[l]
	return pageWords{internal: t["internal"], known: func(err error, _ int) (string, bool) {
		var scope *domain.ScopeError
		switch {
		case errors.As(err, &scope):
			return scopeProblem(t, scope), true
		case store.ErrLastAdmin(err):
			return t["lastAdmin"], true
		case errors.Is(err, domain.ErrConflict):
			return t["emailTaken"], true
		case errors.Is(err, domain.ErrNotFound):
			return t["notFound"] + " (" + domain.Message(err) + ")", true
		case errors.Is(err, domain.ErrInvalid):
			return t["invalid"] + " (" + domain.Message(err) + ")", true
		}
		return "", false
	}}
}

// when formats a time for the tables: UTC, to the minute.
func when(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04") + " UTC"
}

// scopeProblem names the regions and plans of a refused scope in the
// page's language.
func scopeProblem(t map[string]string, e *domain.ScopeError) string {
	var parts []string
	if len(e.Regions) > 0 {
		parts = append(parts, fmt.Sprintf(t["unknownRegions"], strings.Join(e.Regions, ", ")))
	}
	if len(e.Plans) > 0 {
		parts = append(parts, fmt.Sprintf(t["unknownPlans"], strings.Join(e.Plans, ", ")))
	}
	return strings.Join(parts, " ")
}

// userRow is one account in the users table.
type userRow struct {
	domain.User
	Created, LastLogin string
	// Self marks the administrator's own account.
	Self bool
	// Territory and Plans are an uploader's scope by name ("Banyuasin I
	// (16.07.01)"); empty: no limit of its own.
	Territory, Plans []string
}

// secretNotice is a password or token shown exactly once, with how to
// use it.
type secretNotice struct {
	Heading, Value, Use string
}

// usersPage answers GET /admin/pengguna.
func (s *Server) usersPage(c *gin.Context) {
	s.showUsers(c, map[string]any{}, nil)
}

// showUsers writes the users page with data (a secret, the create form's
// values) added to the table and the agencies, and err's problem when err
// is not nil.
func (s *Server) showUsers(c *gin.Context, data map[string]any, err error) {
	users, agencies, ok := listWithAgencies(s, c, s.store.Users)
	if !ok {
		return
	}
	me := principal(c).UserID
	named, nerr := s.scopeNames(c.Request.Context(), users)
	if nerr != nil {
		s.accountError(c, nerr)
		return
	}
	rows := make([]userRow, len(users))
	for i, u := range users {
		rows[i] = userRow{User: u, Created: when(&u.CreatedAt), LastLogin: when(u.LastLoginAt), Self: u.ID == me}
		scope := domain.ScopeOf(u.Territory, u.Plans)
		for _, code := range scope.Territory {
			rows[i].Territory = append(rows[i].Territory, named(code))
		}
		for _, code := range scope.Plans {
			rows[i].Plans = append(rows[i].Plans, named(code))
		}
	}
	data["Users"] = rows
	data["Agencies"] = agencies
	data["Roles"] = []domain.Role{domain.RolePlanner, domain.RoleUploader, domain.RoleAdmin}
	data["MinPassword"] = domain.MinPasswordLength
	if _, ok := data["Form"]; !ok {
		data["Form"] = newUser{Role: string(domain.RolePlanner)}
	}
	if err != nil {
		s.showProblem(c, adminFrame, "admin_users.html", data, err, adminWords(lang(c)))
		return
	}
	s.renderPage(c, http.StatusOK, adminFrame, "admin_users.html", data)
}

// scopeNames returns a function naming the regions and plans of the
// accounts' scopes, "Banyuasin I (16.07.01)"; a code the catalogue lacks
// is its code alone.
func (s *Server) scopeNames(ctx context.Context, users []domain.User) (func(code string) string, error) {
	names := map[string]string{}
	for _, u := range users {
		for _, code := range domain.ScopeOf(u.Territory, u.Plans).Territory {
			if _, ok := names[code]; ok {
				continue
			}
			r, err := s.store.Region(ctx, code)
			switch {
			case err == nil:
				names[code] = r.Name
			case !errors.Is(err, domain.ErrNotFound):
				return nil, err
			}
		}
	}
	plans, err := s.store.Plans(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range plans {
		names[p.Code] = p.Name
	}
	return func(code string) string {
		if n := names[code]; n != "" {
			return n + " (" + code + ")"
		}
		return code
	}, nil
}

// pageRoleAgency reads a form's role, agency and scope; the agency select
// and the scope fields are ignored unless the role is uploader, so
// changing an uploader's role needs no second edit of them.
func pageRoleAgency(c *gin.Context) (role, agency, territory, plans string) {
	role, agency = c.PostForm("role"), c.PostForm("agency")
	territory, plans = c.PostForm("territory"), c.PostForm("plans")
	if role != string(domain.RoleUploader) {
		agency, territory, plans = "", "", ""
	}
	return role, agency, territory, plans
}

// createUserPage answers POST /admin/pengguna. A generated password is
// shown on the answer itself, once; a typed one is not shown again.
func (s *Server) createUserPage(c *gin.Context) {
	t := adminPageTexts[lang(c)]
	role, agency, territory, plans := pageRoleAgency(c)
	req := newUser{Email: c.PostForm("email"), Name: c.PostForm("name"), Role: role, Agency: agency, Password: c.PostForm("password"),
		Territory: territory, Plans: plans}
	u, generated, err := s.addUser(c, req)
	if err != nil {
		req.Password = ""
		s.showUsers(c, map[string]any{"Form": req, "At": "create"}, err)
		return
	}
	if generated == "" {
		redirectLang(c, "/admin/pengguna?ok=created")
		return
	}
	s.showUsers(c, map[string]any{"Done": fmt.Sprintf(t["createdFor"], u.Email), "At": "create",
		"Secret": secretNotice{Heading: fmt.Sprintf(t["passwordFor"], u.Email), Value: generated}}, nil)
}

// updateUserPage answers POST /admin/pengguna/{id}: the fields the form
// carries change (name, role, agency, territory and plans; or disabled),
// the others stay.
func (s *Server) updateUserPage(c *gin.Context) {
	id, err := idParam(c, "user")
	if err != nil {
		s.showUsers(c, map[string]any{}, err)
		return
	}
	var ch domain.UserChange
	if name, ok := c.GetPostForm("name"); ok {
		ch.Name = &name
	}
	if _, ok := c.GetPostForm("role"); ok {
		role, agency, territory, plans := pageRoleAgency(c)
		r := domain.Role(role)
		ch.Role, ch.AgencyCode = &r, &agency
		if _, ok := c.GetPostForm("territory"); ok {
			ch.Territory, ch.Plans = &territory, &plans
		}
	}
	if v, ok := c.GetPostForm("disabled"); ok {
		off := v == "1"
		ch.Disabled = &off
	}
	before, err := s.store.User(c.Request.Context(), id)
	if err == nil {
		_, err = s.changeUser(c, id, ch)
	}
	if err != nil {
		s.showUsers(c, map[string]any{}, err)
		return
	}
	ok := "updated"
	switch {
	case ch.Disabled != nil && *ch.Disabled && !before.Disabled:
		ok = "disabled"
	case ch.Disabled != nil && !*ch.Disabled && before.Disabled:
		ok = "enabled"
	}
	redirectLang(c, "/admin/pengguna?ok="+ok)
}

// resetPasswordPage answers POST /admin/pengguna/{id}/sandi: the typed
// password, or a generated one shown on the answer, once.
func (s *Server) resetPasswordPage(c *gin.Context) {
	t := adminPageTexts[lang(c)]
	id, err := idParam(c, "user")
	var u domain.User
	var generated string
	if err == nil {
		u, generated, err = s.resetPassword(c, id, c.PostForm("password"))
	}
	if err != nil {
		s.showUsers(c, map[string]any{}, err)
		return
	}
	if id == principal(c).UserID {
		// The reset ended this browser's session too: log in again.
		s.clearCookie(c, sessionCookie)
		redirectLang(c, "/masuk")
		return
	}
	if generated == "" {
		redirectLang(c, "/admin/pengguna?ok=reset")
		return
	}
	s.showUsers(c, map[string]any{"Done": fmt.Sprintf(t["resetFor"], u.Email),
		"Secret": secretNotice{Heading: fmt.Sprintf(t["passwordFor"], u.Email), Value: generated}}, nil)
}

// tokenRow is one token in the tokens table.
type tokenRow struct {
	store.TokenStatus
	AgencyName, Created, LastUsed, Revoked, RevokedBy string
}

// principalName shortens an audit principal ("user:3:a@b.id") to what a
// person recognises (the address).
func principalName(p string) string {
	if ref, ok := domain.ParseSource(p); ok && ref.Kind == domain.ByUser && ref.Detail != "" {
		return ref.Detail
	}
	return p
}

// tokensPage answers GET /admin/token.
func (s *Server) tokensPage(c *gin.Context) {
	s.showTokens(c, map[string]any{}, nil)
}

// showTokens writes the tokens page with data (a secret, the create form's
// values) added to the table and the agencies, and err's problem when err
// is not nil.
func (s *Server) showTokens(c *gin.Context, data map[string]any, err error) {
	toks, agencies, ok := listWithAgencies(s, c, func(ctx context.Context) ([]store.TokenStatus, error) { return s.store.AllTokens(ctx, "") })
	if !ok {
		return
	}
	names := agencyNames(agencies)
	rows := make([]tokenRow, len(toks))
	for i, t := range toks {
		rows[i] = tokenRow{TokenStatus: t, AgencyName: names[t.AgencyCode], Created: when(&t.CreatedAt), LastUsed: when(t.LastUsedAt),
			Revoked: when(t.RevokedAt), RevokedBy: principalName(t.RevokedBy)}
	}
	data["Tokens"] = rows
	data["Agencies"] = agencies
	for _, k := range []string{"Agency", "Label", "Territory", "Plans"} {
		if _, ok := data[k]; !ok {
			data[k] = ""
		}
	}
	if err != nil {
		s.showProblem(c, adminFrame, "admin_tokens.html", data, err, adminWords(lang(c)))
		return
	}
	s.renderPage(c, http.StatusOK, adminFrame, "admin_tokens.html", data)
}

// createTokenPage answers POST /admin/token: the secret is on the answer,
// once.
func (s *Server) createTokenPage(c *gin.Context) {
	t := adminPageTexts[lang(c)]
	secret, tok, err := s.addToken(c, c.PostForm("agency"), c.PostForm("label"), c.PostForm("territory"), c.PostForm("plans"))
	if err != nil {
		s.showTokens(c, map[string]any{"Agency": c.PostForm("agency"), "Label": c.PostForm("label"),
			"Territory": c.PostForm("territory"), "Plans": c.PostForm("plans"), "At": "create"}, err)
		return
	}
	s.showTokens(c, map[string]any{"Done": fmt.Sprintf(t["tokenCreated"], tok.AgencyCode), "At": "create",
		"Secret": secretNotice{Heading: fmt.Sprintf(t["tokenFor"], tok.AgencyCode), Value: secret, Use: t["tokenUse"]}}, nil)
}

// revokeTokenPage answers POST /admin/token/{id}/cabut.
func (s *Server) revokeTokenPage(c *gin.Context) {
	id, err := idParam(c, "token")
	if err == nil {
		_, err = s.revokeTokenAudited(c, id)
	}
	if err != nil {
		s.showTokens(c, map[string]any{}, err)
		return
	}
	redirectLang(c, "/admin/token?ok=revoked")
}

// adminTexts are the administration pages' strings per language.
var adminTexts = locale.Sections("admin")

// agencyNames maps agency codes to names, for the admin lists that show
// an agency beside each row.
func agencyNames(agencies []domain.Agency) map[string]string {
	names := make(map[string]string, len(agencies))
	for _, a := range agencies {
		names[a.Code] = a.Name
	}
	return names
}

// listWithAgencies reads what an admin page lists and the agencies its
// rows name; on a failure it writes the error page and reports false.
func listWithAgencies[T any](s *Server, c *gin.Context, list func(context.Context) ([]T, error)) ([]T, []domain.Agency, bool) {
	ctx := c.Request.Context()
	rows, err := list(ctx)
	if err != nil {
		s.accountError(c, err)
		return nil, nil, false
	}
	agencies, err := s.store.Agencies(ctx)
	if err != nil {
		s.accountError(c, err)
		return nil, nil, false
	}
	return rows, agencies, true
}

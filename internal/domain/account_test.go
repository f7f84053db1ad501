package domain

import "testing"

// TestParseSource: what String, Source and Ref write reads back as the
// account or token it names; a source of another form is not one.
func TestParseSource(t *testing.T) {
	user := UserPrincipal(User{ID: 3, Email: "siti@bps.go.id", Role: RoleUploader, AgencyCode: "bps-banyuasin"})
	for _, tt := range []struct {
		name, source string
		want         SourceRef
		ok           bool
	}{
		{"a user's String", user.String(), SourceRef{ByUser, 3, "siti@bps.go.id"}, true},
		{"a user's Source", user.Source(), SourceRef{ByUser, 3, "bps-banyuasin"}, true},
		{"a user of no agency", UserPrincipal(User{ID: 4, Email: "a@b.id", Role: RoleAdmin}).Source(), SourceRef{ByUser, 4, ""}, true},
		{"a token", TokenPrincipal(7, "dinkes").Source(), SourceRef{ByToken, 7, "dinkes"}, true},
		{"an audit object", Ref(ByToken, 7), SourceRef{ByToken, 7, ""}, true},
		{"the demo's token 0", "token:0:bps-banyuasin", SourceRef{ByToken, 0, "bps-banyuasin"}, true},
		{"the command line", "cli:budi", SourceRef{}, false},
		{"the demo", "demo", SourceRef{}, false},
		{"the public", PublicPrincipal.String(), SourceRef{}, false},
		{"no number", "user:siti@bps.go.id", SourceRef{}, false},
		{"empty", "", SourceRef{}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseSource(tt.source)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseSource(%q) = %+v, %v; want %+v, %v", tt.source, got, ok, tt.want, tt.ok)
			}
			if ok && got.String() != tt.source {
				t.Errorf("ParseSource(%q).String() = %q", tt.source, got.String())
			}
		})
	}
}

// TestPrincipalNames: the forms the audit log and stored uploads already
// hold, which ParseSource must keep reading.
func TestPrincipalNames(t *testing.T) {
	user := UserPrincipal(User{ID: 3, Email: "siti@bps.go.id", Role: RoleUploader, AgencyCode: "bps-banyuasin"})
	for _, tt := range []struct{ got, want string }{
		{user.String(), "user:3:siti@bps.go.id"},
		{user.Source(), "user:3:bps-banyuasin"},
		{UserPrincipal(User{ID: 4, Email: "a@b.id", Role: RoleAdmin}).Source(), "user:4"},
		{TokenPrincipal(7, "dinkes").String(), "token:7:dinkes"},
		{TokenPrincipal(7, "dinkes").Source(), "token:7:dinkes"},
		{PublicPrincipal.Source(), "public"},
		{Ref(ByUser, 3), "user:3"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

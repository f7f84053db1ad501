package export

import (
	"bufio"
	"bytes"
	"testing"
)

func TestCellsAreSafeAndExact(t *testing.T) {
	for _, tt := range []struct {
		name  string
		write func(c *csvOut)
		want  string
	}{
		{"formula", func(c *csvOut) { c.text("=HYPERLINK(\"http://x\")") }, `"'=HYPERLINK(""http://x"")"`},
		{"plus", func(c *csvOut) { c.text("+62 711") }, `'+62 711`},
		{"minus text", func(c *csvOut) { c.text("-2,5 (revisi)") }, `'-2,5 (revisi)`},
		{"at", func(c *csvOut) { c.text("@SUM(A1)") }, `'@SUM(A1)`},
		{"tab", func(c *csvOut) { c.text("\tx") }, "'\tx"},
		{"carriage return", func(c *csvOut) { c.text("\rx") }, "\"'\rx\""},
		{"delimiter", func(c *csvOut) { c.text("a;b") }, `"a;b"`},
		{"plain", func(c *csvOut) { c.text("Kabupaten Banyuasin") }, `Kabupaten Banyuasin`},
		{"negative number stays a number", func(c *csvOut) { c.num(-2.5) }, `-2,5`},
		{"ambiguous three decimals", func(c *csvOut) { c.num(0.338) }, `0,3380`},
		{"negative ambiguous", func(c *csvOut) { c.num(-1.234) }, `-1,2340`},
		{"four digits before the mark", func(c *csvOut) { c.num(1234.567) }, `1234,567`},
		{"whole", func(c *csvOut) { c.num(850022) }, `850022`},
		{"full precision", func(c *csvOut) { a, b := 0.1, 0.2; c.num(a + b) }, `0,30000000000000004`},
		{"range", func(c *csvOut) { c.rangeCell(9.37, 10.37) }, `9,37–10,37`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			bw := bufio.NewWriter(&buf)
			c := newCSVOut(bw, ';', true)
			tt.write(c)
			c.end()
			bw.Flush()
			if got := buf.String(); got != tt.want+"\n" {
				t.Errorf("got %q, want %q", got, tt.want+"\n")
			}
		})
	}
}

func TestJSONStringIsHTMLSafe(t *testing.T) {
	got := string(appendJSONString(nil, "<script>\"a\"&\u2028\x01é"))
	want := `"\u003cscript\u003e\"a\"\u0026\u2028\u0001é"`
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestSDMXAge(t *testing.T) {
	for in, want := range map[string]string{"15-24": "Y15T24", "65+": "Y_GE65", "<5": "Y_LT5", "balita": "balita"} {
		if got := sdmxAge(in); got != want {
			t.Errorf("sdmxAge(%q) = %q, want %q", in, got, want)
		}
	}
}

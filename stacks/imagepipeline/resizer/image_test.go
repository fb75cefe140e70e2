package resizer

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"runtime"
	"strings"
	"testing"
)

// photo returns a w x h image with gradients and edges, closer to a photo
// than a flat fill (a flat fill compresses and resizes trivially).
func photo(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x ^ y) & 0xff), 255}
			if (x/37+y/53)%2 == 0 {
				c.B = 255 - c.B
			}
			img.Set(x, y, c)
		}
	}
	return img
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRenderKeepsAspectRatioAndFormat(t *testing.T) {
	for _, tc := range []struct {
		name, ct string
		data     []byte
	}{
		{"jpeg", "image/jpeg", encodeJPEG(t, photo(1600, 900))},
		{"png", "image/png", encodePNG(t, photo(1600, 900))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Render(tc.data, []int{320, 800, 2000}, "© Daily News", DefaultMaxPixels)
			if err != nil {
				t.Fatal(err)
			}
			want := [][3]int{{320, 320, 180}, {800, 800, 450}, {2000, 1600, 900}}
			if len(out) != len(want) {
				t.Fatalf("%d renditions, want %d", len(out), len(want))
			}
			for i, r := range out {
				cfg, format, err := image.DecodeConfig(bytes.NewReader(r.Data))
				if err != nil {
					t.Fatal(err)
				}
				if r.Width != want[i][0] || cfg.Width != want[i][1] || cfg.Height != want[i][2] || r.ContentType != tc.ct || "image/"+format != tc.ct {
					t.Errorf("rendition %d: asked %d, got %dx%d %s (%s)", i, r.Width, cfg.Width, cfg.Height, format, r.ContentType)
				}
			}
		})
	}
}

func TestWatermarkChangesBottomRightOnly(t *testing.T) {
	plain := image.NewRGBA(image.Rect(0, 0, 640, 360))
	for i := range plain.Pix {
		plain.Pix[i] = 40
	}
	marked := image.NewRGBA(plain.Bounds())
	copy(marked.Pix, plain.Pix)
	if err := Watermark(marked, "hybridstack"); err != nil {
		t.Fatal(err)
	}
	changed := func(r image.Rectangle) int {
		n := 0
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				if marked.RGBAAt(x, y) != plain.RGBAAt(x, y) {
					n++
				}
			}
		}
		return n
	}
	if n := changed(image.Rect(320, 270, 640, 360)); n < 200 {
		t.Errorf("only %d pixels changed in the bottom-right corner", n)
	}
	if n := changed(image.Rect(0, 0, 640, 180)); n != 0 {
		t.Errorf("%d pixels changed in the top half", n)
	}
}

func TestDecodeRefusesBadInput(t *testing.T) {
	good := encodeJPEG(t, photo(200, 100))
	var gifBuf bytes.Buffer
	if err := gif.Encode(&gifBuf, photo(20, 20), nil); err != nil {
		t.Fatal(err)
	}
	// A PNG header claiming 100000 x 100000 pixels: a decompression bomb.
	bomb := encodePNG(t, photo(10, 10))
	copy(bomb[16:24], []byte{0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0})
	fixCRC(bomb)
	tests := []struct {
		name string
		data []byte
		is   error
		want string
	}{
		{"empty", nil, nil, "empty file: 0 bytes"},
		{"text", []byte("hello, this is not an image at all"), ErrUnsupported, "not a JPEG or PNG file"},
		{"gif", gifBuf.Bytes(), ErrUnsupported, `unsupported image type "gif"; only jpeg and png are accepted`},
		{"truncated jpeg", good[:len(good)/2], nil, "decoding jpeg (truncated or corrupt?)"},
		{"truncated header", good[:10], nil, "reading image header"},
		{"bomb", bomb, ErrTooLarge, "100000x100000 is 10000000000 pixels, the limit is 50000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			_, _, err := Decode(tt.data, DefaultMaxPixels)
			if err == nil {
				t.Fatal("accepted")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			if grown := after.TotalAlloc - before.TotalAlloc; grown > 64<<20 {
				t.Errorf("refusing the input allocated %d MB", grown>>20)
			}
		})
	}
}

// BenchmarkRender4000x3000 renders the pipeline's three widths from a
// 4000x3000 JPEG. Run with -cpu 1 for the one-core figure; images/s is
// reported as a metric.
func BenchmarkRender4000x3000(b *testing.B) {
	src := encodeJPEG(b, photo(4000, 3000))
	b.SetBytes(int64(len(src)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Render(src, []int{320, 640, 1280}, "© Daily News", DefaultMaxPixels); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "images/s")
}

// fixCRC rewrites the IHDR chunk's checksum of a PNG after its dimensions
// were edited, so the header stays valid.
func fixCRC(png []byte) {
	binary.BigEndian.PutUint32(png[29:33], crc32.ChecksumIEEE(png[12:29]))
}

// Package resizer is the image pipeline's Lambda handler: for each uploaded
// JPEG or PNG it writes a resized, watermarked copy per configured width to
// the output bucket. Bad input (other formats, empty or truncated files,
// decompression bombs, vanished objects) returns a clear error so the event
// goes to the dead-letter queue; the source bucket is only ever read.
package resizer

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"sort"
	"sync"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// ErrUnsupported is returned for anything but JPEG and PNG.
var ErrUnsupported = errors.New("unsupported image type")

// ErrTooLarge is returned for images over the pixel or byte limit.
var ErrTooLarge = errors.New("image too large")

// Decode reads a JPEG or PNG, checking the declared dimensions against
// maxPixels before decoding so that a small file claiming a huge canvas (a
// decompression bomb) never allocates it. It returns the image and its
// format ("jpeg" or "png").
func Decode(data []byte, maxPixels int64) (image.Image, string, error) {
	if len(data) == 0 {
		return nil, "", errors.New("empty file: 0 bytes")
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		if errors.Is(err, image.ErrFormat) {
			return nil, "", fmt.Errorf("%w: not a JPEG or PNG file", ErrUnsupported)
		}
		return nil, "", fmt.Errorf("reading image header: %w", err)
	}
	if format != "jpeg" && format != "png" {
		return nil, "", fmt.Errorf("%w %q; only jpeg and png are accepted", ErrUnsupported, format)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, "", fmt.Errorf("image declares %dx%d pixels", cfg.Width, cfg.Height)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > maxPixels {
		return nil, "", fmt.Errorf("%w: %dx%d is %d pixels, the limit is %d", ErrTooLarge, cfg.Width, cfg.Height, px, maxPixels)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", fmt.Errorf("decoding %s (truncated or corrupt?): %w", format, err)
	}
	return img, format, nil
}

// Resize scales img to width pixels wide, keeping the aspect ratio, with the
// Catmull-Rom filter (sharp, no ringing worth noticing on photos).
func Resize(img image.Image, width int) *image.RGBA {
	b := img.Bounds()
	return resizeTo(img, width, heightFor(b.Dx(), b.Dy(), width))
}

// heightFor keeps the aspect ratio of a w x h image at the given width.
func heightFor(w, h, width int) int {
	return max(1, int(math.Round(float64(h)*float64(width)/float64(w))))
}

func resizeTo(img image.Image, width, height int) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, img.Bounds(), draw.Src, nil)
	return dst
}

var (
	fontOnce sync.Once
	fontData *opentype.Font
	fontErr  error
)

// Watermark stamps text in the bottom-right corner: white at 60% opacity
// over a soft dark shadow, sized to the image width so it reads the same at
// every size.
func Watermark(img *image.RGBA, text string) error {
	if text == "" {
		return nil
	}
	fontOnce.Do(func() { fontData, fontErr = opentype.Parse(gobold.TTF) })
	if fontErr != nil {
		return fontErr
	}
	w := img.Bounds().Dx()
	size := math.Max(10, float64(w)/24)
	face, err := opentype.NewFace(fontData, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return err
	}
	defer face.Close()
	margin := int(size / 2)
	textWidth := font.MeasureString(face, text).Ceil()
	x := w - textWidth - margin
	if x < margin {
		x = margin
	}
	y := img.Bounds().Dy() - margin
	shadow := &font.Drawer{Dst: img, Src: image.NewUniform(color.NRGBA{0, 0, 0, 110}), Face: face}
	offset := int(math.Max(1, size/16))
	shadow.Dot = fixed.P(x+offset, y+offset)
	shadow.DrawString(text)
	fg := &font.Drawer{Dst: img, Src: image.NewUniform(color.NRGBA{255, 255, 255, 153}), Face: face, Dot: fixed.P(x, y)}
	fg.DrawString(text)
	return nil
}

// Encode writes img in format ("jpeg" at quality 85, or "png") and returns
// the bytes and the content type.
func Encode(img image.Image, format string) ([]byte, string, error) {
	var buf bytes.Buffer
	switch format {
	case "jpeg":
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
			return nil, "", err
		}
		return buf.Bytes(), "image/jpeg", nil
	case "png":
		enc := png.Encoder{CompressionLevel: png.DefaultCompression}
		if err := enc.Encode(&buf, img); err != nil {
			return nil, "", err
		}
		return buf.Bytes(), "image/png", nil
	}
	return nil, "", fmt.Errorf("%w %q", ErrUnsupported, format)
}

// Rendition is one output image.
type Rendition struct {
	// Width is the width asked for; the image is narrower when the source
	// was (images are never enlarged).
	Width       int
	ImageWidth  int
	Height      int
	ContentType string
	Data        []byte
}

// Render decodes src once and produces one rendition per width. Images are
// never enlarged: for a width above the source's, the rendition keeps the
// source width, so every configured width still has an output.
//
// The decoded image is converted to RGBA once (the scaler's fast path), and
// each width is scaled from the next larger unwatermarked rendition rather
// than from the full source: with Catmull-Rom the cost grows with the
// source's pixel count, and a 2x step loses nothing visible.
func Render(src []byte, widths []int, watermark string, maxPixels int64) ([]Rendition, error) {
	img, format, err := Decode(src, maxPixels)
	if err != nil {
		return nil, err
	}
	srcW := img.Bounds().Dx()
	base := image.NewRGBA(image.Rect(0, 0, srcW, img.Bounds().Dy()))
	draw.Draw(base, base.Bounds(), img, img.Bounds().Min, draw.Src)

	// Distinct output widths, largest first.
	var sizes []int
	seen := map[int]bool{}
	for _, w := range widths {
		if iw := min(w, srcW); !seen[iw] {
			seen[iw] = true
			sizes = append(sizes, iw)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(sizes)))

	done := map[int]Rendition{}
	prev := base
	for _, iw := range sizes {
		scaled := prev
		if iw != prev.Bounds().Dx() {
			// The height comes from the source, so rounding never compounds.
			scaled = resizeTo(prev, iw, heightFor(srcW, base.Bounds().Dy(), iw))
		}
		prev = scaled
		marked := image.NewRGBA(scaled.Bounds())
		copy(marked.Pix, scaled.Pix)
		if err := Watermark(marked, watermark); err != nil {
			return nil, fmt.Errorf("watermark: %w", err)
		}
		data, ct, err := Encode(marked, format)
		if err != nil {
			return nil, fmt.Errorf("encoding %d px %s: %w", iw, format, err)
		}
		done[iw] = Rendition{ImageWidth: iw, Height: marked.Bounds().Dy(), ContentType: ct, Data: data}
	}
	out := make([]Rendition, 0, len(widths))
	for _, w := range widths {
		r := done[min(w, srcW)]
		r.Width = w
		out = append(out, r)
	}
	return out, nil
}

#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "seed.h"

/*
 * The CSV is read as dbt reads it: Python's csv module (the excel dialect,
 * not strict) over the file opened as UTF-8 text with universal newlines,
 * then agate's type tester with dbt's types and null values.
 */

#define FIELDLIMIT 131072	/* Python's csv.field_size_limit() */

struct field {
	char *s;	/* unquoted, newlines as \n; NUL-terminated */
	size_t len;	/* may hold NUL bytes */
	size_t off;	/* where the field starts in the file */
};

struct row {
	struct field *f;
	size_t n;
	int line;
};

/* The length of the Python whitespace character (str.isspace()) at s, in
 * UTF-8, or 0. */
static size_t
pyspace(const unsigned char *s, size_t n)
{
	unsigned c;

	if (!n)
		return 0;
	if (*s == ' ' || (*s >= '\t' && *s <= '\r') || (*s >= 0x1c && *s <= 0x1f))
		return 1;
	if (n >= 2 && s[0] == 0xC2 && (s[1] == 0x85 || s[1] == 0xA0))
		return 2;
	if (n >= 3 && s[0] == 0xE1 && s[1] == 0x9A && s[2] == 0x80)
		return 3;
	if (n >= 3 && s[0] == 0xE2 && (s[1] == 0x80 || s[1] == 0x81)) {
		c = (unsigned)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
		c |= 0x2000;
		if ((c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
		    c == 0x202F || c == 0x205F)
			return 3;
	}
	if (n >= 3 && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80)
		return 3;
	return 0;
}

/* The value stripped as Python's str.strip() strips it. */
static void
pystrip(const char **s, size_t *n)
{
	const unsigned char *p = (const unsigned char *)*s;
	size_t k, i;

	while ((k = pyspace(p, *n))) {
		p += k;
		*n -= k;
	}
	for (;;) {
		for (i = 1; i <= 3 && i <= *n; i++)
			if (pyspace(p + *n - i, i) == i)
				break;
		if (i > 3 || i > *n)
			break;
		*n -= i;
	}
	*s = (const char *)p;
}

static int
isnullv(const char *s, size_t n)
{
	pystrip(&s, &n);
	return n == 0 || (n == 4 && !strncasecmp(s, "null", 4));
}

/* A number as Python's Decimal holds it. */
struct dec {
	int neg, special;	/* special: 'i' infinity, 'n' NaN, 's' sNaN */
	char *digits;		/* the coefficient, no leading zeros ("" for 0) */
	long exp;
};

static int
isdig(int c)
{
	return c >= '0' && c <= '9';
}

/* Python's Decimal(s): [sign] digits [. digits] [e [sign] digits], or
 * Inf[inity], NaN[digits], sNaN[digits]; whitespace around, underscores
 * anywhere ignored. Unicode digits are not taken. */
static int
decparse(const char *s, size_t n, struct dec *d)
{
	char *t = xmalloc(n + 1), *p;
	size_t i, m = 0;
	long e = 0;
	int esign = 1, any = 0;

	pystrip(&s, &n);
	for (i = 0; i < n; i++)
		if (s[i] != '_')
			t[m++] = s[i];
	t[m] = 0;
	memset(d, 0, sizeof(*d));
	p = t;
	if (*p == '+' || *p == '-')
		d->neg = *p++ == '-';
	if (!strcasecmp(p, "inf") || !strcasecmp(p, "infinity")) {
		d->special = 'i';
		goto ok;
	}
	if (!strncasecmp(p, "nan", 3) || !strncasecmp(p, "snan", 4)) {
		d->special = (*p == 's' || *p == 'S') ? 's' : 'n';
		for (p += d->special == 's' ? 4 : 3; isdig(*p); p++)
			;
		if (*p)
			goto bad;
		goto ok;
	}
	d->digits = xmalloc(m + 1);
	i = 0;
	for (; isdig(*p); p++, any = 1)
		if (i || *p != '0')
			d->digits[i++] = *p;
	if (*p == '.') {
		for (p++; isdig(*p); p++, any = 1) {
			if (i || *p != '0')
				d->digits[i++] = *p;
			d->exp--;
		}
	}
	d->digits[i] = 0;
	if (!any)
		goto bad;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			esign = *p++ == '-' ? -1 : 1;
		if (!isdig(*p))
			goto bad;
		for (; isdig(*p); p++)
			if (e < 100000000)
				e = e * 10 + (*p - '0');
		d->exp += esign * e;
	}
	if (*p)
		goto bad;
ok:
	free(t);
	return 0;
bad:
	free(t);
	free(d->digits);
	d->digits = NULL;
	return -1;
}

static const char *const currency[] = {
	"؋", "$", "ƒ", "៛", "¥", "₡", "₱", "£", "€", "¢", "﷼", "₪", "₩", "₭", "₮",
	"₦", "฿", "₤", "₫",
};

/* agate's Number.cast: a percent sign, a leading minus, currency symbols
 * and thousands separators dropped, then Decimal. */
static int
numparse(const char *s, size_t n, struct dec *d)
{
	char *t;
	size_t i, k, m;
	int neg = 0, rc;

	while (n && *s == '%')
		s++, n--;
	while (n && s[n - 1] == '%')
		n--;
	if (n && *s == '-') {
		neg = 1;
		s++, n--;
	}
	for (i = 0; i < sizeof(currency) / sizeof(*currency); i++) {
		k = strlen(currency[i]);
		while (n >= k && !memcmp(s, currency[i], k))
			s += k, n -= k;
		while (n >= k && !memcmp(s + n - k, currency[i], k))
			n -= k;
	}
	t = xmalloc(n + 1);
	for (i = m = 0; i < n; i++)
		if (s[i] != ',')
			t[m++] = s[i];
	t[m] = 0;
	rc = decparse(t, m, d);
	free(t);
	if (rc == 0 && neg)
		d->neg = !d->neg;
	return rc;
}

/* Decimal places after normalize(), in Python's default context (28
 * significant digits, half even); -1 for NaN and infinity. */
static int
decplaces(const struct dec *d)
{
	size_t n, i;
	long e;
	int up;

	if (d->special)
		return -1;
	n = strlen(d->digits);
	e = d->exp;
	if (n > 28) {
		/* round to 28 digits: only whether it rounds up to a power of
		 * ten or trailing zeros matter here */
		up = d->digits[28] > '5';
		if (d->digits[28] == '5') {
			for (i = 29; i < n && d->digits[i] == '0'; i++)
				;
			up = i < n || (d->digits[27] - '0') % 2;
		}
		e += (long)(n - 28);
		n = 28;
		if (up) {
			for (i = n; i > 0 && d->digits[i - 1] == '9'; i--)
				;
			if (i == 0)
				return e + (long)n > 0 ? 0 : (int)-(e + (long)n);
			n = i;
			e += 28 - (long)i;
		}
	}
	while (n > 0 && d->digits[n - 1] == '0') {
		n--;
		e++;
	}
	if (n == 0)
		return 0;
	return e < 0 ? (int)(e < -100000000 ? 100000000 : -e) : 0;
}

static int
isleap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
mdays(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && isleap(y) ? 29 : d[m - 1];
}

/* Days since 0001-01-01 of a proleptic Gregorian date, and back. */
static long
ordinal(int y, int m, int d)
{
	long n = 365L * (y - 1) + (y - 1) / 4 - (y - 1) / 100 + (y - 1) / 400;
	int i;

	for (i = 1; i < m; i++)
		n += mdays(y, i);
	return n + d - 1;
}

static int
fromordinal(long n, int *y, int *m, int *d)
{
	if (n < 0 || n > ordinal(9999, 12, 31))
		return -1;
	for (*y = 1 + (int)(n / 366); ordinal(*y + 1, 1, 1) <= n; ++*y)
		;
	n -= ordinal(*y, 1, 1);
	for (*m = 1; n >= mdays(*y, *m); ++*m)
		n -= mdays(*y, *m);
	*d = (int)n + 1;
	return 0;
}

static int
num(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdig(s[i]))
			return -1;
		v = v * 10 + s[i] - '0';
	}
	return v;
}

/* strptime's %m and %d, and the fields of %H:%M:%S: one or two digits
 * (two when the first allows), max at most; " [1-9]" too when sp. */
static int
field2(const char **p, const char *e, int min, int max, int sp)
{
	const char *s = *p;
	int v;

	if (sp && e - s >= 2 && s[0] == ' ' && s[1] >= '1' && s[1] <= '9') {
		*p = s + 2;
		return s[1] - '0';
	}
	if (s >= e || !isdig(*s))
		return -1;
	if (e - s >= 2 && isdig(s[1]) && (v = num(s, 2)) <= max && v >= min) {
		*p = s + 2;
		return v;
	}
	v = *s - '0';
	if (v < min)
		return -1;
	*p = s + 1;
	return v;
}

/* datetime.strptime(s, "%Y-%m-%d") and "%Y-%m-%d %H:%M:%S" (the space
 * is \s+ there). Returns the end of the date, or NULL. */
static const char *
ymd(const char *s, const char *e, int *y, int *m, int *d)
{
	if (e - s < 4 || (*y = num(s, 4)) < 1 || s[4] != '-')
		return NULL;
	s += 5;
	if ((*m = field2(&s, e, 1, 12, 0)) < 1)
		return NULL;
	if (s >= e || *s != '-')
		return NULL;
	s++;
	if ((*d = field2(&s, e, 1, 31, 1)) < 1 || *d > mdays(*y, *m))
		return NULL;
	return s;
}

static int
seeddate(const char *s, size_t n, char out[64])
{
	int y, m, d;

	if (ymd(s, s + n, &y, &m, &d) != s + n)
		return 0;
	snprintf(out, 64, "%04d-%02d-%02d", y, m, d);
	return 1;
}

static int
seeddatetime(const char *s, size_t n, char out[64])
{
	const char *e = s + n, *p;
	size_t k;
	int y, m, d, H, M, S;

	if (!(p = ymd(s, e, &y, &m, &d)))
		return 0;
	if (!(k = pyspace((const unsigned char *)p, (size_t)(e - p))))
		return 0;
	while ((k = pyspace((const unsigned char *)p, (size_t)(e - p))))
		p += k;
	if ((H = field2(&p, e, 0, 23, 0)) < 0 || p >= e || *p++ != ':' ||
	    (M = field2(&p, e, 0, 59, 0)) < 0 || p >= e || *p++ != ':' ||
	    (S = field2(&p, e, 0, 61, 0)) < 0 || p != e || S > 59)
		return 0;
	snprintf(out, 64, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d, H, M, S);
	return 1;
}

/* isodate.parse_date: the first of its patterns that matches a prefix. */
static int
isodate(const char *s, size_t n, long *day)
{
	int y, m, d, w, wd, dd, jan1;
	long r;

#define D(i) ((size_t)(i) < n && isdig(s[i]))
	if (!(D(0) && D(1)))
		return -1;
	if (!(D(2) && D(3))) {
		*day = ordinal(num(s, 2) * 100 + 1, 1, 1);
		return num(s, 2) * 100 + 1 >= 1 ? 0 : -1;
	}
	if ((y = num(s, 4)) < 1)
		return -1;
	s += 4;
	n -= 4;
	if (n >= 6 && s[0] == '-' && D(1) && D(2) && s[3] == '-' && D(4) && D(5)) {
		m = num(s + 1, 2), d = num(s + 4, 2);
		goto ymdok;
	}
	if (D(0) && D(1) && D(2) && D(3)) {
		m = num(s, 2), d = num(s + 2, 2);
		goto ymdok;
	}
	w = -1;
	if (n >= 5 && s[0] == '-' && s[1] == 'W' && D(2) && D(3) && s[4] == '-' && D(5))
		w = num(s + 2, 2), wd = s[5] - '0';
	else if (n >= 4 && s[0] == 'W' && D(1) && D(2) && D(3))
		w = num(s + 1, 2), wd = s[3] - '0';
	else if (n >= 4 && s[0] == '-' && D(1) && D(2) && D(3)) {
		*day = ordinal(y, 1, 1) + num(s + 1, 3) - 1;
		return fromordinal(*day, &y, &m, &d);
	} else if (D(0) && D(1) && D(2)) {
		*day = ordinal(y, 1, 1) + num(s, 3) - 1;
		return fromordinal(*day, &y, &m, &d);
	} else if (n >= 4 && s[0] == '-' && s[1] == 'W' && D(2) && D(3))
		w = num(s + 2, 2), wd = 1;
	else if (n >= 3 && s[0] == 'W' && D(1) && D(2))
		w = num(s + 1, 2), wd = 1;
	if (w >= 0) {
		/* date(y, 1, 1) + timedelta(weeks=w - (isoweek(jan1) == 1),
		 * days=wd - isoweekday(jan1)) */
		r = ordinal(y, 1, 1);
		jan1 = (int)(r % 7) + 1;	/* 0001-01-01 was a Monday */
		*day = r + 7L * (w - (jan1 <= 4)) + wd - jan1;
		return fromordinal(*day, &y, &m, &dd);
	}
	if (n >= 3 && s[0] == '-' && D(1) && D(2)) {
		m = num(s + 1, 2), d = 1;
		goto ymdok;
	}
	if (D(0) && D(1)) {
		m = num(s, 2), d = 1;
		goto ymdok;
	}
	*day = ordinal(y, 1, 1);
	return 0;
ymdok:
	if (m == 0)
		m = 1;	/* int(groups['month']) or defaultmonth */
	if (m > 12 || d < 1 || d > mdays(y, m))
		return -1;
	*day = ordinal(y, m, d);
	return 0;
#undef D
}

/* A fraction's digits times mul, rounded half even, in units of 10^-k;
 * only for k <= 9. */
static int
fracunits(const char *f, int k, unsigned long long mul, unsigned long long unit,
    unsigned long long *whole, unsigned long long *rest)
{
	unsigned long long nn = 0, p10 = 1, t, q, r;
	int i;

	for (i = 0; i < k; i++) {
		nn = nn * 10 + (unsigned long long)(f[i] - '0');
		p10 *= 10;
	}
	t = nn * mul;			/* in units of 1/(unit * p10) */
	*whole = t / (unit * p10);
	t -= *whole * unit * p10;	/* t / p10 rounded is the rest */
	q = t / p10;
	r = t % p10;
	if (r * 2 > p10 || (r * 2 == p10 && q % 2))
		q++;
	*rest = q;
	return 0;
}

/* isodate.parse_time: the first of its patterns that matches a prefix. */
static int
isotime(const char *s, size_t n, long long *us, int *tz, int *tzmin)
{
	int H, M = 0, S = 0, k = 0, form, i;
	const char *f = NULL;
	unsigned long long w, r, micro = 0;

#define D(i) ((size_t)(i) < n && isdig(s[i]))
	if (!(D(0) && D(1)))
		return -1;
	H = num(s, 2);
	if (n >= 8 && s[2] == ':' && D(3) && D(4) && s[5] == ':' && D(6) && D(7))
		form = 1, M = num(s + 3, 2), S = num(s + 6, 2), i = 8;
	else if (D(2) && D(3) && D(4) && D(5))
		form = 1, M = num(s + 2, 2), S = num(s + 4, 2), i = 6;
	else if (n >= 5 && s[2] == ':' && D(3) && D(4))
		form = 2, M = num(s + 3, 2), i = 5;
	else if (D(2) && D(3))
		form = 2, M = num(s + 2, 2), i = 4;
	else
		form = 3, i = 2;
	if ((size_t)i + 1 < n && (s[i] == '.' || s[i] == ',') && D(i + 1)) {
		f = s + i + 1;
		for (i++; D(i); i++)
			k++;
	}
	if (form == 1 && f) {
		/* Decimal(second).quantize(Decimal('.000001')), half even */
		for (r = 0, w = 0; (int)w < 6; w++)
			r = r * 10 + ((int)w < k ? (unsigned)(f[w] - '0') : 0);
		micro = r;
		if (k > 6) {
			int up = f[6] > '5', j;
			if (f[6] == '5') {
				for (j = 7; j < k && f[j] == '0'; j++)
					;
				up = j < k || micro % 2;
			}
			micro += (unsigned long long)up;
		}
		if (micro == 1000000) {
			micro = 0;
			S++;
		}
	} else if (f) {
		/* minute or hour fractions: Decimal arithmetic, exact here */
		if (k > 9)
			return -2;
		fracunits(f, k, form == 2 ? 60000000ULL : 3600000000ULL, 1000000ULL, &w, &r);
		if (r == 1000000)
			return -1;	/* time(microsecond=1000000) */
		if (form == 2)
			S = (int)w;
		else
			M = (int)(w / 60), S = (int)(w % 60);
		micro = r;
	}
	if (H > 23 || M > 59 || S > 59)
		return -1;
	*us = (((long long)H * 60 + M) * 60 + S) * 1000000LL + (long long)micro;
	*tz = 0;
	*tzmin = 0;
	if ((size_t)i < n && s[i] == 'Z')
		*tz = 1;
	else if ((size_t)i < n && (s[i] == '+' || s[i] == '-') && D(i + 1) && D(i + 2)) {
		int sign = s[i] == '-' ? -1 : 1, mm = 0;
		if (D(i + 3) && D(i + 4))
			mm = num(s + i + 3, 2);
		else if ((size_t)i + 3 < n && s[i + 3] == ':' && D(i + 4) && D(i + 5))
			mm = num(s + i + 4, 2);
		*tz = 1;
		*tzmin = sign * (num(s + i + 1, 2) * 60 + mm);
	}
	return 0;
#undef D
}

/* isodate.parse_datetime, the value as dbt sends it (isoformat() with a
 * space): 1, or 2 with the offset in minutes in *off; 0 when it does not
 * parse, negative when agate refuses it. */
static int
seediso(const char *s, size_t n, char out[64], int *off)
{
	const char *t = memchr(s, 'T', n), *t2;
	long day;
	long long us;
	int y, m, d, tz, tzmin, rc;

	if (!t || ((t2 = memchr(t + 1, 'T', n - (size_t)(t - s) - 1))))
		return 0;
	if (isodate(s, (size_t)(t - s), &day) < 0 || fromordinal(day, &y, &m, &d) < 0)
		return 0;
	if ((rc = isotime(t + 1, n - (size_t)(t - s) - 1, &us, &tz, &tzmin)) < 0)
		return rc;
	(void)t2;
	n = (size_t)snprintf(out, 64, "%04d-%02d-%02d %02lld:%02lld:%02lld", y, m, d,
	    us / 3600000000LL, us / 60000000LL % 60, us / 1000000LL % 60);
	if (us % 1000000)
		n += (size_t)snprintf(out + n, 64 - n, ".%06lld", us % 1000000);
	if (tz)
		snprintf(out + n, 64 - n, "%c%02d:%02d", tzmin < 0 ? '-' : '+',
		    abs(tzmin) / 60, abs(tzmin) % 60);
	*off = tzmin;
	return tz ? 2 : 1;
}

/* agate's Boolean with dbt's values: commas dropped, then true or false. */
static int
boolparse(const char *s, size_t n, int *v)
{
	char b[8];
	size_t i, m = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == ',')
			continue;
		if (m == sizeof(b) - 1 && !pyspace((const unsigned char *)s + i, n - i))
			return -1;
		if (m < sizeof(b) - 1)
			b[m++] = s[i];
	}
	b[m] = 0;
	s = b;
	n = m;
	pystrip(&s, &n);
	if (n == 0 || (n == 4 && !strncasecmp(s, "null", 4)))
		return *v = -1, 0;
	if (n == 4 && !strncasecmp(s, "true", 4))
		return *v = 1, 0;
	if (n == 5 && !strncasecmp(s, "false", 5))
		return *v = 0, 0;
	return -1;
}

static int
fits(const char *s, size_t n, int *decimals)
{
	struct dec d;
	char out[64];
	int fits = 0, b, off;

	*decimals = 0;
	if (boolparse(s, n, &b) == 0)
		fits |= TBOOLEAN;
	if (isnullv(s, n))
		return fits | TNUMBER | TDATE | TDATETIME | TISO;
	pystrip(&s, &n);
	if (numparse(s, n, &d) == 0) {
		if (d.special != 's') {
			fits |= TNUMBER;
			*decimals = decplaces(&d);
		}
		free(d.digits);
	}
	if (seeddate(s, n, out))
		fits |= TDATE;
	if (seeddatetime(s, n, out))
		fits |= TDATETIME;
	if (seediso(s, n, out, &off) > 0)
		fits |= TISO;
	return fits;
}

int
seedfits(const char *v, int *decimals)
{
	return fits(v, strlen(v), decimals);
}

/* Line and column (in characters) of off in the file, newlines as Python
 * counts them: \n, \r\n and \r. */
static void
where(const struct buf *raw, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off && i < raw->len; i++) {
		if (raw->s[i] == '\n' || (raw->s[i] == '\r' &&
		    !(i + 1 < raw->len && raw->s[i + 1] == '\n'))) {
			++*line;
			*col = 1;
		} else if (raw->s[i] != '\r' && ((unsigned char)raw->s[i] & 0xC0) != 0x80) {
			++*col;
		}
	}
}

static char *
errat(const char *path, const struct buf *raw, size_t off, const char *what)
{
	int line, col;

	where(raw, off, &line, &col);
	return xasprintf("%s:%d:%d: %s", path, line, col, what);
}

/* The first byte that is not UTF-8 as Python's strict decoder reads it,
 * or len. */
static size_t
badutf8(const unsigned char *s, size_t len)
{
	size_t i = 0, k, j;
	unsigned c, min;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xC2 && s[i] <= 0xDF)
			k = 1, c = s[i] & 0x1F, min = 0x80;
		else if (s[i] >= 0xE0 && s[i] <= 0xEF)
			k = 2, c = s[i] & 0x0F, min = 0x800;
		else if (s[i] >= 0xF0 && s[i] <= 0xF4)
			k = 3, c = s[i] & 0x07, min = 0x10000;
		else
			return i;
		if (i + k >= len + 0 && i + k > len - 1 + 1)
			return i;
		for (j = 1; j <= k; j++) {
			if (i + j >= len || (s[i + j] & 0xC0) != 0x80)
				return i;
			c = c << 6 | (s[i + j] & 0x3F);
		}
		if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			return i;
		i += k + 1;
	}
	return len;
}

/* Python's csv reader (excel dialect, not strict), one record from *p:
 * 1, 0 at the end, -1 with *err set. Universal newlines: \r\n and \r
 * are \n, in quoted fields too. A blank line is a record of no fields. */
static int
record(const char **p, const char *end, char delim, struct row *r, int *line,
    const char *path, const struct buf *raw, char **err)
{
	struct buf b = {0};
	const char *s = *p;
	size_t chars;
	int quoted;

	memset(r, 0, sizeof(*r));
	if (s >= end)
		return 0;
	r->line = *line;
#define EOL(s) (*(s) == '\n' || *(s) == '\r')
#define NEWLINE(s) do { if (*(s) == '\r' && (s) + 1 < end && (s)[1] == '\n') (s)++; (s)++; ++*line; } while (0)
	if (EOL(s)) {
		NEWLINE(s);
		*p = s;
		return 1;
	}
	for (;;) {
		b.len = 0;
		bufputs(&b, "");
		chars = 0;
		quoted = 0;
		r->f = xreallocarray(r->f, r->n + 1, sizeof(*r->f));
		r->f[r->n].off = (size_t)(s - raw->s);
		while (s < end) {
			if (quoted == 1) {
				if (*s == '"') {
					if (s + 1 < end && s[1] == '"') {
						bufputc(&b, '"');
						s += 2;
						chars++;
					} else {
						quoted = 2;
						s++;
					}
					continue;
				}
				if (EOL(s)) {
					NEWLINE(s);
					bufputc(&b, '\n');
				} else {
					if (((unsigned char)*s & 0xC0) != 0x80)
						chars++;
					bufputc(&b, *s++);
				}
				if (chars > FIELDLIMIT)
					break;
				continue;
			}
			if (*s == delim || EOL(s))
				break;
			if (*s == '"' && !quoted && b.len == 0 && s == raw->s + r->f[r->n].off) {
				quoted = 1;
				s++;
				continue;
			}
			if (((unsigned char)*s & 0xC0) != 0x80)
				chars++;
			bufputc(&b, *s++);
			if (chars > FIELDLIMIT)
				break;
		}
		if (chars > FIELDLIMIT) {
			*err = errat(path, raw, r->f[r->n].off, "a field longer than 131072 characters: "
			    "dbt's CSV reader refuses it");
			buffree(&b);
			r->n++;
			return -1;
		}
		r->f[r->n].s = b.s;
		r->f[r->n].len = b.len;
		r->n++;
		b.s = NULL;
		b.cap = 0;
		if (s < end && *s == delim) {
			s++;
			continue;
		}
		if (s < end)
			NEWLINE(s);
		break;
	}
#undef EOL
#undef NEWLINE
	*p = s;
	return 1;
}

static void
rowfree(struct row *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->f[i].s);
	free(r->f);
	memset(r, 0, sizeof(*r));
}

static const char *
override(const cJSON *coltypes, const char *name)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(coltypes, name);

	return cJSON_IsString(t) ? t->valuestring : NULL;
}

/* agate's names: an empty one is its column's letter (a, b, ..., aa),
 * a repeated one gets _2, _3, ... */
static void
names(struct seed *sd, const struct row *head)
{
	size_t i, j, k;
	char *v;
	int dup;

	for (i = 0; i < head->n; i++) {
		if (head->f[i].len == 0) {
			v = xmalloc(i / 26 + 2);
			memset(v, 'a' + (int)(i % 26), i / 26 + 1);
			v[i / 26 + 1] = 0;
		} else {
			v = xstrdup(head->f[i].s);
		}
		for (k = 1;; k++) {
			char *t = k == 1 ? xstrdup(v) : xasprintf("%s_%zu", v, k);
			for (dup = 0, j = 0; j < i; j++)
				if (!strcmp(sd->cols[j].name, t))
					dup = 1;
			if (!dup) {
				sd->cols[i].name = t;
				break;
			}
			free(t);
		}
		free(v);
	}
}

enum { KNULL = 0, KINTEGER, KFLOAT, KDATE, KDATETIME, KISO, KBOOLEAN, KTEXT };

static const char *const typename[] = {
	"integer", "integer", "float8", "date", "timestamp without time zone",
	"timestamp without time zone", "boolean", "text",
};

/* A number as an integer column gets it: PostgreSQL's numeric to integer
 * cast, half away from zero. Far out of range, the server refuses the
 * exponent form as it refuses the number. */
static void
intdigits(struct buf *b, const struct dec *d)
{
	size_t n = strlen(d->digits), keep, i;
	char *t;

	if (d->exp > 64 || (long)n + d->exp > 64) {
		bufprintf(b, "%s%se%ld", d->neg ? "-" : "", d->digits, d->exp);
		return;
	}
	if (d->exp >= 0) {
		bufprintf(b, "%s%s", d->neg ? "-" : "", d->digits);
		for (i = 0; i < (size_t)d->exp; i++)
			bufputc(b, '0');
		return;
	}
	if ((long)n + d->exp < 0) {
		bufputs(b, "0");
		return;
	}
	keep = (size_t)((long)n + d->exp);
	t = xmalloc(keep + 2);
	t[0] = '0';
	memcpy(t + 1, d->digits, keep);
	t[keep + 1] = 0;
	if (d->digits[keep] >= '5') {
		for (i = keep; t[i] == '9'; i--)
			t[i] = '0';
		t[i]++;
	}
	for (i = 0; t[i] == '0' && t[i + 1]; i++)
		;
	bufprintf(b, "%s%s", d->neg && strcmp(t + i, "0") ? "-" : "", t + i);
	free(t);
}

/* One value as the COPY data holds it, per its column's kind; a timestamp
 * with an offset marks its column. */
static int
emit(struct seed *sd, size_t col, const struct field *f, int kind, const char *path,
    char **err)
{
	struct buf *b = &sd->copy;
	const struct buf *raw = &sd->raw;
	struct dec d;
	const char *s = f->s;
	size_t n = f->len;
	char out[64];
	int v, off;

	if (kind == KBOOLEAN) {
		if (boolparse(s, n, &v) == 0 && v >= 0)
			bufputs(b, v ? "true" : "false");
		return 0;
	}
	if (isnullv(s, n))
		return 0;
	if (kind == KTEXT) {
		if (memchr(s, 0, n)) {
			*err = errat(path, raw, f->off + (size_t)((const char *)memchr(raw->s +
			    f->off, 0, raw->len - f->off) - (raw->s + f->off)),
			    "a NUL byte: dbt refuses the seed (A string literal cannot "
			    "contain NUL (0x00) characters)");
			return -1;
		}
		bufquote(b, s, '"');
		return 0;
	}
	pystrip(&s, &n);
	if (kind == KINTEGER || kind == KFLOAT) {
		numparse(s, n, &d);
		if (d.special)
			bufputs(b, "NaN");
		else if (!*d.digits)
			bufputs(b, "0");
		else if (kind == KFLOAT)
			bufprintf(b, "%s%se%ld", d.neg ? "-" : "", d.digits, d.exp);
		else
			intdigits(b, &d);
		free(d.digits);
		return 0;
	}
	if (kind == KDATE)
		seeddate(s, n, out);
	else if (kind == KDATETIME)
		seeddatetime(s, n, out);
	else if (seediso(s, n, out, &off) == 2) {
		if (abs(off) >= 24 * 60) {
			*err = errat(path, raw, f->off, "a UTC offset of 24 hours or more: dbt "
			    "fails on it (offset must be a timedelta strictly between "
			    "-timedelta(hours=24) and timedelta(hours=24))");
			return -1;
		}
		sd->cols[col].offset = 1;
		if (!sd->offsetat) {
			int line, c;
			where(raw, f->off, &line, &c);
			sd->offsetat = xasprintf("%s:%d:%d", path, line, c);
		}
	}
	bufputs(b, out);
	return 0;
}

int
seedread(struct seed *sd, const char *path, const char *delim,
    const cJSON *coltypes, char **err)
{
	const char *p, *end;
	struct row head = {0}, r = {0};
	int *fit = NULL, *dec = NULL, *kind = NULL, line = 1, rc, d;
	size_t i, bad;
	struct { struct row *v; size_t n; } rows = {0};
	char dl = *delim ? *delim : ',';

	memset(sd, 0, sizeof(*sd));
	if (readfile(path, &sd->raw) < 0) {
		*err = xasprintf("%s: cannot read the seed file: %s", path, strerror(errno));
		return -1;
	}
	if ((bad = badutf8((const unsigned char *)sd->raw.s, sd->raw.len)) < sd->raw.len) {
		*err = errat(path, &sd->raw, bad, "not UTF-8: dbt reads seeds as UTF-8 and refuses it");
		return -1;
	}
	p = sd->raw.s;
	end = p + sd->raw.len;
	if (sd->raw.len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	if ((rc = record(&p, end, dl, &head, &line, path, &sd->raw, err)) < 0)
		goto fail;
	if (rc == 0 || head.n == 0) {
		*err = xasprintf("%s: no header line", path);
		goto fail;
	}
	for (i = 0; i < head.n; i++)
		if (memchr(head.f[i].s, 0, head.f[i].len)) {
			*err = errat(path, &sd->raw, head.f[i].off, "a NUL byte in a column name");
			goto fail;
		}
	sd->ncols = head.n;
	sd->cols = xcalloc(head.n, sizeof(*sd->cols));
	fit = xcalloc(head.n, sizeof(*fit));
	dec = xcalloc(head.n, sizeof(*dec));
	kind = xcalloc(head.n, sizeof(*kind));
	names(sd, &head);
	for (i = 0; i < head.n; i++)
		fit[i] = TNUMBER | TDATE | TDATETIME | TISO | TBOOLEAN;
	while ((rc = record(&p, end, dl, &r, &line, path, &sd->raw, err)) > 0) {
		if (r.n > head.n) {
			*err = xasprintf("%s:%d: %zu values, but the header has %zu columns: "
			    "dbt refuses the seed", path, r.line, r.n, head.n);
			rowfree(&r);
			goto fail;
		}
		for (i = 0; i < r.n; i++) {
			if (kind[i] == KNULL)
				kind[i] = KINTEGER;	/* a value reached the column */
			fit[i] &= fits(r.f[i].s, r.f[i].len, &d);
			if (d > dec[i])
				dec[i] = d;
		}
		rows.v = xreallocarray(rows.v, rows.n + 1, sizeof(*rows.v));
		rows.v[rows.n++] = r;
	}
	if (rc < 0)
		goto fail;
	for (i = 0; i < head.n; i++) {
		const char *o = override(coltypes, sd->cols[i].name);
		if (o)
			kind[i] = KTEXT;
		else if (kind[i] == KNULL)
			kind[i] = KINTEGER;
		else if (fit[i] & TNUMBER)
			kind[i] = dec[i] ? KFLOAT : KINTEGER;
		else if (fit[i] & TDATE)
			kind[i] = KDATE;
		else if (fit[i] & TDATETIME)
			kind[i] = KDATETIME;
		else if (fit[i] & TISO)
			kind[i] = KISO;
		else if (fit[i] & TBOOLEAN)
			kind[i] = KBOOLEAN;
		else
			kind[i] = KTEXT;
		sd->cols[i].type = xstrdup(o ? o : typename[kind[i]]);
	}
	bufputs(&sd->copy, "");
	for (sd->nrows = 0; sd->nrows < rows.n; sd->nrows++) {
		struct row *w = &rows.v[sd->nrows];
		for (i = 0; i < head.n; i++) {
			if (i)
				bufputc(&sd->copy, ',');
			if (i < w->n && emit(sd, i, &w->f[i], kind[i], path, err) < 0)
				goto fail;
		}
		bufputc(&sd->copy, '\n');
	}
	rc = 0;
	goto out;
fail:
	rc = -1;
out:
	for (i = 0; i < rows.n; i++)
		rowfree(&rows.v[i]);
	free(rows.v);
	rowfree(&head);
	free(fit);
	free(dec);
	free(kind);
	return rc;
}

void
seedfree(struct seed *sd)
{
	size_t i;

	for (i = 0; i < sd->ncols; i++) {
		free(sd->cols[i].name);
		free(sd->cols[i].type);
	}
	free(sd->cols);
	free(sd->offsetat);
	buffree(&sd->raw);
	buffree(&sd->copy);
	memset(sd, 0, sizeof(*sd));
}

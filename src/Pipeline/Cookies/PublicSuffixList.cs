using System.Globalization;
using System.Text;

namespace Pipeline;

/// <summary>
/// The Public Suffix List (ICANN and private sections) shipped with the library, for RFC 6265 §5.3 step 5: a cookie
/// may not be set for a public suffix such as <c>co.uk</c> or <c>github.io</c>.
/// </summary>
/// <remarks>
/// Domains are compared in their ASCII (punycode) form, lower-case, as the jar stores them; the list's Unicode rules
/// are converted when it is loaded. The list is read from the assembly once, on first use, into three hash sets
/// (plain, wildcard and exception rules), so a look-up costs a few hash probes per label, never a scan.
/// </remarks>
internal static class PublicSuffixList
{
    /// <summary>The name of the embedded copy of the list (src/Pipeline/Cookies/public_suffix_list.dat).</summary>
    public const string ResourceName = "Pipeline.Cookies.public_suffix_list.dat";

    /// <summary>Gets the number of rules loaded (plain, wildcard and exception), which loads the list.</summary>
    public static int RuleCount => RuleSet.Instance.Count;

    /// <summary>
    /// Tells whether <paramref name="domain"/> is a public suffix: a rule of the list, a name a wildcard rule covers or
    /// the parent of one, or a single label (the list's implicit <c>*</c> rule), unless an exception rule takes it out.
    /// </summary>
    /// <param name="domain">A lower-case ASCII domain without a leading dot.</param>
    /// <returns><see langword="true"/> when no cookie may be set for the domain and its subdomains together.</returns>
    public static bool IsPublicSuffix(ReadOnlySpan<char> domain) =>
        domain.Length > 0 && PublicSuffixStart(domain) == 0;

    /// <summary>Tells whether the list itself names <paramref name="domain"/> as a public suffix, leaving out the implicit <c>*</c> rule for a single label.</summary>
    /// <param name="domain">A lower-case ASCII domain without a leading dot.</param>
    /// <returns><see langword="true"/> for <c>com</c>, <c>co.uk</c> or <c>github.io</c>; <see langword="false"/> for <c>localhost</c> or an unlisted single label.</returns>
    public static bool IsListedPublicSuffix(ReadOnlySpan<char> domain)
    {
        if (domain.Length == 0)
        {
            return false;
        }

        var rules = RuleSet.Instance;
        if (domain.IndexOf('.') < 0)
        {
            return rules.ContainsPlain(domain);
        }

        return PublicSuffixStart(domain) == 0;
    }

    /// <summary>
    /// Gets the registrable domain (the public suffix and one label more, "eTLD+1"), as the list's own test data
    /// defines it: <c>www.example.co.uk</c> gives <c>example.co.uk</c>.
    /// </summary>
    /// <param name="domain">A lower-case ASCII domain.</param>
    /// <returns>The registrable domain, or <see langword="null"/> when the domain is itself a public suffix, empty, or has an empty label (a leading dot).</returns>
    public static string? GetRegistrableDomain(string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        if (domain.Length == 0 || domain[0] == '.' || domain[^1] == '.' || domain.Contains("..", StringComparison.Ordinal))
        {
            return null;
        }

        var suffix = PublicSuffixStart(domain);
        if (suffix == 0)
        {
            return null;
        }

        // One label more than the public suffix: back from the dot before it to the previous dot.
        var start = domain.LastIndexOf('.', suffix - 2) + 1;
        return start == 0 ? domain : domain[start..];
    }

    /// <summary>
    /// Finds where the public suffix of <paramref name="domain"/> starts (the list's algorithm): an exception rule wins
    /// and makes its parent the suffix; otherwise the matching rule with the most labels, a wildcard <c>*.x</c> counting
    /// as one label more than <c>x</c> and implying <c>x</c>; otherwise the last label.
    /// </summary>
    private static int PublicSuffixStart(ReadOnlySpan<char> domain)
    {
        var rules = RuleSet.Instance;

        // Suffixes from the longest (the whole name) to the shortest, each starting after a dot.
        if (rules.HasExceptions)
        {
            for (var start = 0; start >= 0; start = NextLabel(domain, start))
            {
                if (rules.ContainsException(domain[start..]))
                {
                    var next = NextLabel(domain, start);
                    return next < 0 ? start : next;
                }
            }
        }

        for (var start = 0; start >= 0; start = NextLabel(domain, start))
        {
            // A wildcard rule *.x makes x a public suffix too: the names under it are separate registrants, and a
            // cookie for x would reach every one of them.
            var suffix = domain[start..];
            if (rules.ContainsPlain(suffix) || rules.ContainsWildcard(suffix))
            {
                return start;
            }

            var parent = NextLabel(domain, start);
            if (parent > 0 && rules.ContainsWildcard(domain[parent..]))
            {
                return start;
            }
        }

        return domain.LastIndexOf('.') + 1;
    }

    // The index of the label after the one at start, or -1 at the last label.
    private static int NextLabel(ReadOnlySpan<char> domain, int start)
    {
        var dot = domain[start..].IndexOf('.');
        return dot < 0 ? -1 : start + dot + 1;
    }

    private sealed class RuleSet
    {
        public static readonly RuleSet Instance = Load();

        private readonly HashSet<string> _plain = new(StringComparer.Ordinal);
        private readonly HashSet<string> _wildcard = new(StringComparer.Ordinal);
        private readonly HashSet<string> _exception = new(StringComparer.Ordinal);
        private HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _plainLookup;
        private HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _wildcardLookup;
        private HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _exceptionLookup;

        public int Count => _plain.Count + _wildcard.Count + _exception.Count;

        public bool HasExceptions => _exception.Count > 0;

        public bool ContainsPlain(ReadOnlySpan<char> suffix) => _plainLookup.Contains(suffix);

        public bool ContainsWildcard(ReadOnlySpan<char> parent) => _wildcardLookup.Contains(parent);

        public bool ContainsException(ReadOnlySpan<char> suffix) => _exceptionLookup.Contains(suffix);

        private static RuleSet Load()
        {
            using var stream = typeof(RuleSet).Assembly.GetManifestResourceStream(ResourceName)
                ?? throw new InvalidOperationException($"The embedded resource '{ResourceName}' is missing from the Pipeline assembly.");
            using var reader = new StreamReader(stream);
            var set = new RuleSet();
            var idn = new IdnMapping();
            while (reader.ReadLine() is { } line)
            {
                // A rule is the line's first word; "//" starts a comment line (the list's format).
                var text = line.AsSpan().Trim();
                var space = text.IndexOfAny(' ', '\t');
                if (space >= 0)
                {
                    text = text[..space];
                }

                if (text.IsEmpty || text.StartsWith("//", StringComparison.Ordinal))
                {
                    continue;
                }

                var target = set._plain;
                if (text[0] == '!')
                {
                    target = set._exception;
                    text = text[1..];
                }
                else if (text.StartsWith("*.", StringComparison.Ordinal))
                {
                    target = set._wildcard;
                    text = text[2..];
                }

                target.Add(ToAscii(idn, text.ToString()));
            }

            set._plainLookup = set._plain.GetAlternateLookup<ReadOnlySpan<char>>();
            set._wildcardLookup = set._wildcard.GetAlternateLookup<ReadOnlySpan<char>>();
            set._exceptionLookup = set._exception.GetAlternateLookup<ReadOnlySpan<char>>();
            return set;
        }

        // The list writes internationalised rules in Unicode; hosts reach the jar in punycode.
        private static string ToAscii(IdnMapping idn, string rule) =>
            Ascii.IsValid(rule) ? rule.ToLowerInvariant() : idn.GetAscii(rule).ToLowerInvariant();
    }
}

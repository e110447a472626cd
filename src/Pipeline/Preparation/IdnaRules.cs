using System.Globalization;
using System.Text;

namespace Pipeline;

/// <summary>
/// The IDNA 2008 checks (RFC 5891, 5892) that urllib3 applies through the <c>idna</c> package before a non-ASCII host
/// is punycoded: every label NFC, no hyphen at either end or in the third and fourth places, no leading combining mark,
/// and each code point PVALID, or CONTEXTJ/CONTEXTO in a context the RFC allows. .NET's <see cref="IdnMapping"/> follows
/// IDNA 2003 with UTS 46 mapping, which accepts symbols such as U+2603 (☃) that IDNA 2008 disallows.
/// </summary>
/// <remarks>
/// The code point classes are derived as RFC 5892 section 2 does, from .NET's Unicode data: letters, digits and marks
/// are PVALID unless NFKC or case folding changes them, ignorable or old Hangul Jamo; the section 2.6 exceptions are
/// listed. Not applied: the bidi rule of RFC 5893, and ZWNJ's Joining_Type context, for which a ZWNJ between two
/// letters of a cursive-joining script (Arabic, Syriac, N'Ko, Mongolian…) is taken as valid.
/// </remarks>
internal static class IdnaRules
{
    // RFC 5892 section 2.6, exceptions (F).
    private static readonly int[] ExceptionPvalid = [0x00DF, 0x03C2, 0x06FD, 0x06FE, 0x0F0B, 0x3007];

    private static readonly int[] ExceptionDisallowed = [0x0640, 0x07FA, 0x302E, 0x302F, 0x3031, 0x3032, 0x3033, 0x3034, 0x3035, 0x303B];

    // Code points whose Canonical_Combining_Class is Virama (9), for the CONTEXTJ rules (RFC 5892 appendix A.1, A.2).
    private static readonly HashSet<int> Viramas =
    [
        0x094D, 0x09CD, 0x0A4D, 0x0ACD, 0x0B4D, 0x0BCD, 0x0C4D, 0x0CCD, 0x0D3B, 0x0D3C, 0x0D4D, 0x0DCA, 0x0E3A, 0x0EBA,
        0x0F84, 0x1039, 0x103A, 0x1714, 0x1715, 0x1734, 0x17D2, 0x1A60, 0x1B44, 0x1BAA, 0x1BAB, 0x1BF2, 0x1BF3, 0x2D7F,
        0xA806, 0xA82C, 0xA8C4, 0xA953, 0xA9C0, 0xAAF6, 0xABED, 0x10A3F, 0x11046, 0x11070, 0x1107F, 0x110B9, 0x11133,
        0x11134, 0x111C0, 0x11235, 0x112EA, 0x1134D, 0x11442, 0x114C2, 0x115BF, 0x1163F, 0x116B6, 0x1172B, 0x11839,
        0x1193D, 0x1193E, 0x119E0, 0x11A34, 0x11A47, 0x11A99, 0x11C3F, 0x11D44, 0x11D45, 0x11D97,
    ];

    /// <summary>Checks each label of a host that has non-ASCII characters; false when one is not valid IDNA 2008.</summary>
    /// <param name="host">The host as urllib3 passes it to <c>idna.encode</c>: lower-cased, split on '.' only.</param>
    public static bool IsValidHost(string host)
    {
        var labels = host.Split('.');
        var count = labels.Length > 1 && labels[^1].Length == 0 ? labels.Length - 1 : labels.Length;
        for (var i = 0; i < count; i++)
        {
            // idna's alabel passes an ASCII label through ("xn--n3h.日本" and "a_b.日本" are accepted).
            if (labels[i].Length > 0 && Ascii.IsValid(labels[i]))
            {
                continue;
            }

            if (!IsValidLabel(labels[i]))
            {
                return false;
            }
        }

        return count > 0;
    }

    /// <summary>Lower-cases a host as Python's <c>str.lower</c>: U+0130 becomes "i" and a combining dot above.</summary>
    public static string Lower(string host) => host.Replace("\u0130", "i\u0307", StringComparison.Ordinal).ToLowerInvariant();

    /// <summary>idna's <c>check_label</c> on one label.</summary>
    public static bool IsValidLabel(string label)
    {
        if (label.Length == 0 || !label.IsNormalized(NormalizationForm.FormC))
        {
            return false;
        }

        // RFC 5891 section 4.2.3.1: no hyphen in the 3rd and 4th positions, none at either end.
        if ((label.Length >= 4 && label[2] == '-' && label[3] == '-') || label[0] == '-' || label[^1] == '-')
        {
            return false;
        }

        var codePoints = CodePoints(label);
        if (IsMark(codePoints[0]))
        {
            return false;
        }

        for (var i = 0; i < codePoints.Length; i++)
        {
            var valid = Classify(codePoints[i]) switch
            {
                Class.Pvalid => true,
                Class.ContextJ => IsValidContextJ(codePoints, i),
                Class.ContextO => IsValidContextO(codePoints, i),
                _ => false,
            };
            if (!valid)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The RFC 5892 class of a code point.</summary>
    internal static Class Classify(int cp)
    {
        if (Array.IndexOf(ExceptionPvalid, cp) >= 0)
        {
            return Class.Pvalid;
        }

        if (cp is 0x00B7 or 0x0375 or 0x05F3 or 0x05F4 or 0x30FB or (>= 0x0660 and <= 0x0669) or (>= 0x06F0 and <= 0x06F9))
        {
            return Class.ContextO;
        }

        if (Array.IndexOf(ExceptionDisallowed, cp) >= 0)
        {
            return Class.Disallowed;
        }

        // LDH (K), then JoinControl (H).
        if (cp is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
        {
            return Class.Pvalid;
        }

        if (cp is 0x200C or 0x200D)
        {
            return Class.ContextJ;
        }

        var category = CharUnicodeInfo.GetUnicodeCategory(cp);
        if (category is UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse)
        {
            return Class.Disallowed;
        }

        // LetterDigits (A): Ll, Lu, Lo, Nd, Lm, Mn, Mc; everything else is disallowed.
        if (category is not (UnicodeCategory.LowercaseLetter or UnicodeCategory.UppercaseLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ModifierLetter or UnicodeCategory.NonSpacingMark
            or UnicodeCategory.SpacingCombiningMark))
        {
            return Class.Disallowed;
        }

        return IsUnstable(cp) || IsIgnorable(cp) || IsOldHangulJamo(cp) ? Class.Disallowed : Class.Pvalid;
    }

    // Unstable (B): NFKC(casefold(NFKC(cp))) != cp. Case folding is lower-casing, except where CaseFolding.txt differs:
    // U+0130 and the Cyrillic small letter variants U+1C80..1C88 fold to other letters, U+0345 to iota, Greek letters
    // with ypogegrammeni to two letters, Cherokee small letters to the capitals (which fold to themselves).
    private static bool IsUnstable(int cp)
    {
        if (cp is 0x0130 or 0x0345 or (>= 0x1C80 and <= 0x1C88) or (>= 0x13F8 and <= 0x13FD) or (>= 0xAB70 and <= 0xABBF)
            or (>= 0x1F80 and <= 0x1FAF) or (>= 0x1FB2 and <= 0x1FB4) or 0x1FB7 or (>= 0x1FC2 and <= 0x1FC4) or 0x1FC7
            or (>= 0x1FF2 and <= 0x1FF4) or 0x1FF7)
        {
            return true;
        }

        if (cp is >= 0x13A0 and <= 0x13F5)
        {
            return false;
        }

        var text = char.ConvertFromUtf32(cp);
        string folded;
        try
        {
            folded = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant().Normalize(NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            return true;
        }

        return !string.Equals(folded, text, StringComparison.Ordinal);
    }

    // IgnorableProperties (C) as far as they reach letters and marks: the variation selectors and the Mongolian free
    // variation selectors (Default_Ignorable_Code_Point), and IgnorableBlocks (D): Combining Diacritical Marks for
    // Symbols, Musical Symbols, Ancient Greek Musical Notation.
    private static bool IsIgnorable(int cp) =>
        cp is (>= 0x180B and <= 0x180F) or (>= 0xFE00 and <= 0xFE0F) or (>= 0xE0100 and <= 0xE01EF) or 0x034F or 0x115F or 0x1160
            or 0x3164 or 0xFFA0 or 0x17B4 or 0x17B5
            or (>= 0x20D0 and <= 0x20FF) or (>= 0x1D100 and <= 0x1D1FF) or (>= 0x1D200 and <= 0x1D24F);

    // OldHangulJamo (I): Hangul_Syllable_Type L, V or T.
    private static bool IsOldHangulJamo(int cp) =>
        cp is (>= 0x1100 and <= 0x11FF) or (>= 0xA960 and <= 0xA97C) or (>= 0xD7B0 and <= 0xD7C6) or (>= 0xD7CB and <= 0xD7FB);

    private static bool IsValidContextJ(int[] label, int i)
    {
        // A ZWJ or ZWNJ right after a virama.
        if (i > 0 && Viramas.Contains(label[i - 1]))
        {
            return true;
        }

        if (label[i] != 0x200C)
        {
            return false;
        }

        // ZWNJ between two joining letters, transparent marks skipped (RFC 5892 appendix A.1, approximated by script).
        var before = i - 1;
        while (before >= 0 && IsMark(label[before]))
        {
            before--;
        }

        var after = i + 1;
        while (after < label.Length && IsMark(label[after]))
        {
            after++;
        }

        return before >= 0 && after < label.Length && IsJoiningLetter(label[before]) && IsJoiningLetter(label[after]);
    }

    private static bool IsJoiningLetter(int cp) =>
        CharUnicodeInfo.GetUnicodeCategory(cp) is UnicodeCategory.OtherLetter
        && cp is (>= 0x0620 and <= 0x074F) or (>= 0x0750 and <= 0x077F) or (>= 0x07C0 and <= 0x07FF) or (>= 0x0840 and <= 0x085F)
            or (>= 0x0860 and <= 0x08FF) or (>= 0x1800 and <= 0x18AF) or (>= 0xA840 and <= 0xA87F) or (>= 0x10AC0 and <= 0x10AFF)
            or (>= 0x10B80 and <= 0x10BAF) or (>= 0x10D00 and <= 0x10D3F) or (>= 0x10F30 and <= 0x10F6F) or (>= 0x1E900 and <= 0x1E95F);

    // RFC 5892 appendix A.3 to A.9.
    private static bool IsValidContextO(int[] label, int i)
    {
        var cp = label[i];
        return cp switch
        {
            0x00B7 => i > 0 && i < label.Length - 1 && label[i - 1] == 'l' && label[i + 1] == 'l',
            0x0375 => i < label.Length - 1 && IsGreek(label[i + 1]),
            0x05F3 or 0x05F4 => i > 0 && IsHebrew(label[i - 1]),
            0x30FB => label.Any(c => c != 0x30FB && (IsHiragana(c) || IsKatakana(c) || IsHan(c))),
            >= 0x0660 and <= 0x0669 => !label.Any(c => c is >= 0x06F0 and <= 0x06F9),
            _ => !label.Any(c => c is >= 0x0660 and <= 0x0669),
        };
    }

    private static bool IsGreek(int cp) => cp is (>= 0x0370 and <= 0x03FF and not 0x037E and not 0x0387) or (>= 0x1F00 and <= 0x1FFF);

    private static bool IsHebrew(int cp) => cp is >= 0x0591 and <= 0x05F4;

    private static bool IsHiragana(int cp) => cp is (>= 0x3041 and <= 0x309F) or 0x1B001 or 0x1F200;

    private static bool IsKatakana(int cp) => cp is (>= 0x30A0 and <= 0x30FF) or (>= 0x31F0 and <= 0x31FF) or (>= 0x32D0 and <= 0x32FE)
        or (>= 0x3300 and <= 0x3357) or (>= 0xFF66 and <= 0xFF9D) or 0x1B000;

    private static bool IsHan(int cp) => cp is (>= 0x2E80 and <= 0x2FDF) or 0x3005 or 0x3007 or (>= 0x3021 and <= 0x3029) or (>= 0x3038 and <= 0x303B)
        or (>= 0x3400 and <= 0x4DBF) or (>= 0x4E00 and <= 0x9FFF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x20000 and <= 0x3FFFF);

    private static bool IsMark(int cp) =>
        CharUnicodeInfo.GetUnicodeCategory(cp) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    private static int[] CodePoints(string label)
    {
        var result = new List<int>(label.Length);
        for (var i = 0; i < label.Length; i++)
        {
            if (char.IsSurrogatePair(label, i))
            {
                result.Add(char.ConvertToUtf32(label[i], label[i + 1]));
                i++;
            }
            else
            {
                result.Add(label[i]);
            }
        }

        return [.. result];
    }

    /// <summary>RFC 5892's classes of a code point.</summary>
    internal enum Class
    {
        Disallowed,
        Pvalid,
        ContextJ,
        ContextO,
    }
}

namespace Pipeline;

/// <summary>Tells what <see cref="CookieJar.LoadAsync(string, CookieFileFormat, CancellationToken)"/> took from a cookie file.</summary>
public sealed class CookieLoadResult
{
    internal CookieLoadResult(int loaded, int skipped)
    {
        Loaded = loaded;
        Skipped = skipped;
    }

    /// <summary>Gets the number of cookies the jar holds after the load.</summary>
    public int Loaded { get; }

    /// <summary>
    /// Gets the number of cookies of the file that were not loaded: for a public suffix (<c>.com</c>, <c>co.uk</c>), over
    /// <see cref="CookieJarLimits.MaxCookieSize"/>, or dropped past the count limits (the earlier ones of the file go first).
    /// </summary>
    public int Skipped { get; }
}

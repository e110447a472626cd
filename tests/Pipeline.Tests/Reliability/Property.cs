using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using CsCheck;
using Xunit.Sdk;

namespace Pipeline.Tests.Reliability;

/// <summary>
/// Runs CsCheck properties with a bounded number of iterations and a failure message that says how to run the failing
/// case again: <c>CsCheck_Seed=&lt;seed&gt; dotnet test tests/Pipeline.Tests --filter "FullyQualifiedName~&lt;test&gt;"</c>.
/// </summary>
internal static partial class Property
{
    /// <summary>The iterations of each property in the Reliability category (CsCheck_Iter overrides it, as CsCheck does).</summary>
    public const int Iterations = 400;

    public static async Task CheckAsync<T>(Gen<T> gen, Func<T, Task> assert, int iterations = Iterations, [CallerMemberName] string test = "")
    {
        try
        {
            var fromEnvironment = int.TryParse(Environment.GetEnvironmentVariable("CsCheck_Iter"), out var count) ? count : iterations;
            await gen.SampleAsync(assert, iter: fromEnvironment);
        }
        catch (Exception ex) when (ex is not XunitException && SeedPattern().Match(ex.Message) is { Success: true } seed)
        {
            // CsCheck's message has the shrunk input and its seed; name the command that replays exactly that input.
            throw new XunitException(
                $"{ex.Message}{Environment.NewLine}Reproduce: CsCheck_Seed={seed.Groups[1].Value} dotnet test tests/Pipeline.Tests -c Release --filter \"FullyQualifiedName~{test}\"",
                ex);
        }
    }

    public static Task CheckAsync<T>(Gen<T> gen, Action<T> assert, int iterations = Iterations, [CallerMemberName] string test = "") =>
        CheckAsync(gen, value =>
        {
            assert(value);
            return Task.CompletedTask;
        }, iterations, test);

    /// <summary>Whether an exception is one the public API documents for bad input: an ArgumentException or a RequestException.</summary>
    public static bool IsDocumented(Exception ex) => ex is ArgumentException or RequestException;

    /// <summary>Fails unless <paramref name="ex"/> is documented; the message carries the exception for the shrunk input.</summary>
    public static void AssertDocumented(Exception? ex)
    {
        if (ex is not null && !IsDocumented(ex))
        {
            throw new XunitException($"Undocumented exception: {ex}");
        }
    }

    public static bool HasBreak(string? s) => s is not null && s.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0;

    /// <summary>Fails when what a stub adapter received holds CR, LF or NUL in its URL or any header.</summary>
    public static void AssertCleanOnTheWire(HttpRequestMessage request)
    {
        var uri = request.RequestUri!;
        foreach (var part in new[] { uri.OriginalString, uri.AbsoluteUri, uri.IdnHost, uri.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped) })
        {
            if (HasBreak(part))
            {
                throw new XunitException($"CR, LF or NUL in the request URL: {Show(part)}");
            }
        }

        AssertClean(request.Headers);
        if (request.Content is not null)
        {
            AssertClean(request.Content.Headers);
        }
    }

    /// <summary>Shows a string with its control and non-ASCII characters as \uXXXX, so a failure message shows them.</summary>
    public static string Show(string? s) =>
        s is null ? "null" : "\"" + string.Concat(s.Select(c => c is < ' ' or > '~' or '"' or '\\' ? $"\\u{(int)c:X4}" : c.ToString())) + "\"";

    private static void AssertClean(HttpHeaders headers)
    {
        foreach (var header in headers.NonValidated)
        {
            foreach (var value in header.Value)
            {
                if (HasBreak(header.Key) || HasBreak(value))
                {
                    throw new XunitException($"CR, LF or NUL in a header on the wire: {Show(header.Key)}: {Show(value)}");
                }
            }
        }
    }

    [GeneratedRegex("seed[^\"]*\"([^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex SeedPattern();
}

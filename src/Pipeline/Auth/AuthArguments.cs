namespace Pipeline;

/// <summary>Argument checks for credentials, with messages that say where a missing value usually comes from.</summary>
internal static class AuthArguments
{
    private const string MissingHint =
        " A value read from configuration (configuration[\"Section:Key\"]) is null when that key is not set: set it with "
        + "'dotnet user-secrets set' in development or an environment variable (Section__Key) in production, or fail "
        + "earlier with a message that names the key.";

    /// <summary>Throws when <paramref name="value"/> is <see langword="null"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    public static void NotNull(string? value, string scheme, string what, string parameterName)
    {
        if (value is null)
        {
            throw new ArgumentNullException(parameterName, $"{scheme} needs {what}, and it is null.{MissingHint}");
        }
    }

    /// <summary>Throws when <paramref name="value"/> is <see langword="null"/>, empty or white space.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="value"/> is empty or white space.</exception>
    public static void NotBlank(string? value, string scheme, string what, string parameterName)
    {
        NotNull(value, scheme, what, parameterName);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{scheme} needs {what}, and it is empty.{MissingHint}", parameterName);
        }
    }
}

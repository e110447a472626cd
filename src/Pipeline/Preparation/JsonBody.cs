using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Pipeline;

/// <summary>
/// A JSON body and how to serialize it: through a source-generated <see cref="JsonTypeInfo{T}"/>, or through reflection
/// with the session's options. The reflection path is chosen only where the caller set <c>Json</c>, so nothing
/// reflective runs for a request that did not ask for it.
/// </summary>
internal sealed class JsonBody
{
    internal const string ReflectionMessage =
        "Serializing an arbitrary object uses reflection over its runtime type. In trimmed and Native AOT apps pass a "
        + "JsonTypeInfo<T> from a JsonSerializerContext instead (RequestOptions.SetJson, Response.Json<T>(JsonTypeInfo<T>)).";

    private readonly Func<JsonSerializerOptions, byte[]> _serialize;

    private JsonBody(object value, Func<JsonSerializerOptions, byte[]> serialize)
    {
        Value = value;
        _serialize = serialize;
    }

    /// <summary>Gets the value to serialize.</summary>
    public object Value { get; }

    /// <summary>Creates a body serialized by <paramref name="typeInfo"/>, or <see langword="null"/> (no JSON) for a null value, as requests' <c>json=None</c>.</summary>
    public static JsonBody? Create<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return value is null ? null : new JsonBody(value, _ => JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));
    }

    /// <summary>Creates a body serialized by reflection over the value's runtime type with the session's options.</summary>
    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    public static JsonBody? FromObject(object? value) =>
        value is null ? null : new JsonBody(value, options => JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), options));

    /// <summary>Serializes the value; <paramref name="sessionOptions"/> apply to the reflection path only (a type info carries its own).</summary>
    public byte[] Serialize(JsonSerializerOptions sessionOptions) => _serialize(sessionOptions);
}

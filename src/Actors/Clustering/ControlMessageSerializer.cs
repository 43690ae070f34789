using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Akka.Serialization;

namespace ActorMesh.Clustering;

/// <summary>
/// JSON (System.Text.Json) for the mesh's control messages (<see cref="IMeshMessage"/>): config
/// pushes, pod placement, desired-state changes, reports. They are rare next to requests, so
/// readability and coverage of the whole model matter more than bytes. Actor references travel as
/// their paths; script steps and timeline events carry their kind; payload-free messages are their
/// one instance.
/// </summary>
internal sealed class ControlMessageSerializer : SerializerWithStringManifest
{
    /// <summary>Akka's id for this serializer.</summary>
    public const int SerializerId = 7402;

    private static readonly ConcurrentDictionary<string, Type> Types = new(StringComparer.Ordinal);
    private readonly JsonSerializerOptions _options;

    /// <summary>Creates the serializer for <paramref name="system"/> (it resolves actor paths).</summary>
    public ControlMessageSerializer(ExtendedActorSystem system) : base(system) => _options = Options(system);

    /// <inheritdoc />
    public override int Identifier => SerializerId;

    /// <inheritdoc />
    public override string Manifest(object o) => o.GetType().FullName!;

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), _options);
        CrossNodeTraffic.Count(bytes.Length);
        return bytes;
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        var type = Types.GetOrAdd(manifest, m => typeof(IMeshMessage).Assembly.GetType(m)
            ?? throw new System.Runtime.Serialization.SerializationException($"unknown control message type '{m}'"));
        return JsonSerializer.Deserialize(bytes, type, _options)!;
    }

    /// <summary>The JSON options for <paramref name="system"/>: actor paths, polymorphic steps and events, singletons.</summary>
    public static JsonSerializerOptions Options(ExtendedActorSystem system)
    {
        var options = new JsonSerializerOptions
        {
            IncludeFields = true,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { Polymorphism } },
        };
        options.Converters.Add(new ActorRefConverter(system));
        options.Converters.Add(new SingletonConverterFactory());
        options.Converters.Add(new AnyConverter(options));
        options.Converters.Add(new LoadResultConverter());
        return options;
    }

    /// <summary>Subtypes of the model's abstract records, written with a "$kind".</summary>
    private static void Polymorphism(JsonTypeInfo info)
    {
        if (info.Type != typeof(ScriptStep) && info.Type != typeof(TimelineEvent)) return;
        info.PolymorphismOptions = new JsonPolymorphismOptions { TypeDiscriminatorPropertyName = "$kind" };
        foreach (var sub in info.Type.Assembly.GetTypes().Where(t => t.IsSubclassOf(info.Type) && !t.IsAbstract))
            info.PolymorphismOptions.DerivedTypes.Add(new JsonDerivedType(sub, sub.Name));
    }

    private sealed class ActorRefConverter(ExtendedActorSystem system) : JsonConverter<IActorRef>
    {
        public override bool CanConvert(Type typeToConvert) => typeof(IActorRef).IsAssignableFrom(typeToConvert);

        public override IActorRef Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var path = reader.GetString();
            return string.IsNullOrEmpty(path) ? ActorRefs.Nobody : system.Provider.ResolveActorRef(path);
        }

        public override void Write(Utf8JsonWriter writer, IActorRef value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.IsNobody() ? "" : Serialization.SerializedActorPath(value));
    }

    /// <summary>Messages that carry nothing (<see cref="Signal{T}"/>): written as {}, read back as the instance.</summary>
    private sealed class SingletonConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) =>
            typeToConvert.BaseType is { IsGenericType: true } b && b.GetGenericTypeDefinition() == typeof(Signal<>);

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(SingletonConverter<>).MakeGenericType(typeToConvert))!;

        private sealed class SingletonConverter<T> : JsonConverter<T> where T : class
        {
            private static readonly T Instance = (T)typeof(T).GetField("Instance", BindingFlags.Public | BindingFlags.Static | BindingFlags.FlattenHierarchy)!.GetValue(null)!;

            public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            {
                reader.Skip();
                return Instance;
            }

            public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
            {
                writer.WriteStartObject();
                writer.WriteEndObject();
            }
        }
    }

    /// <summary>A zone's load result (once per run and zone): its compact bytes (see <see cref="Load.LoadResultCodec"/>), as base64.</summary>
    private sealed class LoadResultConverter : JsonConverter<Load.LoadResult>
    {
        public override Load.LoadResult Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Load.LoadResultCodec.Read(reader.GetBytesFromBase64());

        public override void Write(Utf8JsonWriter writer, Load.LoadResult value, JsonSerializerOptions options) =>
            writer.WriteBase64StringValue(Load.LoadResultCodec.Write(value));
    }

    /// <summary>Members typed <c>object</c> (a forwarded message): written with their type name.</summary>
    private sealed class AnyConverter(JsonSerializerOptions options) : JsonConverter<object>
    {
        public override bool CanConvert(Type typeToConvert) => typeToConvert == typeof(object);

        public override object? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions _)
        {
            using var doc = JsonDocument.ParseValue(ref reader);
            var type = typeof(IMeshMessage).Assembly.GetType(doc.RootElement.GetProperty("$type").GetString()!)!;
            return doc.RootElement.GetProperty("value").Deserialize(type, options);
        }

        public override void Write(Utf8JsonWriter writer, object value, JsonSerializerOptions _)
        {
            writer.WriteStartObject();
            writer.WriteString("$type", value.GetType().FullName);
            writer.WritePropertyName("value");
            JsonSerializer.Serialize(writer, value, value.GetType(), options);
            writer.WriteEndObject();
        }
    }
}

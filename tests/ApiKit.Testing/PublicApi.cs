using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace ApiKit.Testing;

/// <summary>
/// Renders the exported surface of an assembly (types, members, signatures and nullability) as stable text,
/// and checks it against a golden file, so every change to a package's public API is a visible diff.
/// </summary>
public static class PublicApi
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>
    /// Asserts that the public API of the assembly named <paramref name="assemblyName"/> matches
    /// <c>PublicApi/&lt;assemblyName&gt;.txt</c> in the test project of <paramref name="testAssembly"/>.
    /// </summary>
    public static void AssertMatchesGolden(string assemblyName, Assembly testAssembly)
    {
        var assembly = Assembly.Load(assemblyName);
        GoldenFile.AssertMatches(testAssembly, Path.Combine("PublicApi", assemblyName + ".txt"), Render(assembly));
    }

    /// <summary>Renders the exported surface of <paramref name="assembly"/>.</summary>
    public static string Render(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var nullability = new NullabilityInfoContext();
        var builder = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            builder.Append(TypeHeader(type)).Append('\n');
            foreach (var line in Members(type, nullability).Order(StringComparer.Ordinal))
            {
                builder.Append("    ").Append(line).Append('\n');
            }
        }

        return builder.ToString();
    }

    private static string TypeHeader(Type type)
    {
        var kind = type switch
        {
            { IsEnum: true } => "enum",
            { IsInterface: true } => "interface",
            { IsValueType: true } => (type.IsDefined(typeof(IsReadOnlyAttribute)) ? "readonly " : string.Empty) + "struct",
            _ when typeof(Delegate).IsAssignableFrom(type) => "delegate",
            { IsAbstract: true, IsSealed: true } => "static class",
            { IsAbstract: true } => "abstract class",
            { IsSealed: true } => "sealed class",
            _ => "class",
        };
        var bases = new List<string>();
        if (type.IsClass && type.BaseType is { } baseType && baseType != typeof(object) && !typeof(Delegate).IsAssignableFrom(type))
        {
            bases.Add(Name(baseType));
        }

        if (type.IsEnum)
        {
            bases.Add(Name(Enum.GetUnderlyingType(type)));
        }
        else if (!typeof(Delegate).IsAssignableFrom(type))
        {
            bases.AddRange(type.GetInterfaces().Where(i => i.IsPublic || i.IsNestedPublic).Select(Name).Order(StringComparer.Ordinal));
        }

        var obsolete = type.GetCustomAttribute<ObsoleteAttribute>() is not null ? "[Obsolete] " : string.Empty;
        return $"{obsolete}public {kind} {Name(type, qualify: true)}{(bases.Count > 0 ? " : " + string.Join(", ", bases) : string.Empty)}";
    }

    private static IEnumerable<string> Members(Type type, NullabilityInfoContext nullability)
    {
        if (type.IsEnum)
        {
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                yield return $"{field.Name} = {Convert.ToInt64(field.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}";
            }

            yield break;
        }

        if (typeof(Delegate).IsAssignableFrom(type))
        {
            var invoke = type.GetMethod("Invoke")!;
            yield return $"Invoke({Parameters(invoke, nullability)}) -> {Nullable(invoke.ReturnParameter, nullability)}";
            yield break;
        }

        foreach (var member in type.GetMembers(Declared))
        {
            var line = member switch
            {
                ConstructorInfo ctor when Visible(ctor) => $"{Access(ctor)}{(ctor.IsStatic ? "static " : string.Empty)}.ctor({Parameters(ctor, nullability)})",
                MethodInfo method when Visible(method) && !method.IsSpecialName => $"{Access(method)}{Modifiers(method, type)}{Nullable(method.ReturnParameter, nullability)} {method.Name}{GenericArguments(method)}({Parameters(method, nullability)})",
                MethodInfo method when Visible(method) && method.IsSpecialName && method.Name.StartsWith("op_", StringComparison.Ordinal) => $"{Access(method)}static {Nullable(method.ReturnParameter, nullability)} {method.Name}({Parameters(method, nullability)})",
                PropertyInfo property when Accessors(property).Any(Visible) => Property(property, type, nullability),
                EventInfo @event when @event.AddMethod is { } add && Visible(add) => $"{Access(add)}{Modifiers(add, type)}event {Name(@event.EventHandlerType!)} {@event.Name}",
                FieldInfo field when field.IsPublic || field.IsFamily || field.IsFamilyOrAssembly => $"{(field.IsPublic ? "public " : "protected ")}{(field.IsLiteral ? "const " : field.IsStatic ? "static " : string.Empty)}{(field.IsInitOnly ? "readonly " : string.Empty)}{Nullable(field, nullability)} {field.Name}",
                Type nested when nested.IsNestedPublic || nested.IsNestedFamily => null,
                _ => null,
            };
            if (line is not null)
            {
                var obsolete = member.GetCustomAttribute<ObsoleteAttribute>() is not null ? "[Obsolete] " : string.Empty;
                yield return obsolete + line;
            }
        }
    }

    private static IEnumerable<MethodInfo> Accessors(PropertyInfo property) =>
        new[] { property.GetMethod, property.SetMethod }.OfType<MethodInfo>();

    private static string Property(PropertyInfo property, Type type, NullabilityInfoContext nullability)
    {
        var visible = Accessors(property).Where(Visible).ToList();
        var first = visible[0];
        var accessors = string.Join(' ', visible.Select(a =>
            (a == property.SetMethod && a.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit)) ? "init" : a == property.GetMethod ? "get" : "set") + ";"));
        var indexer = property.GetIndexParameters();
        var name = indexer.Length == 0 ? property.Name : $"this[{string.Join(", ", indexer.Select(p => $"{Name(p.ParameterType)} {p.Name}"))}]";
        return $"{Access(first)}{Modifiers(first, type)}{Nullable(property, nullability)} {name} {{ {accessors} }}";
    }

    private static bool Visible(MethodBase method) => method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly;

    private static string Access(MethodBase method) => method.IsPublic ? "public " : "protected ";

    private static string Modifiers(MethodInfo method, Type declaring)
    {
        if (method.IsStatic)
        {
            return "static ";
        }

        if (declaring.IsInterface)
        {
            return method.IsAbstract ? string.Empty : "virtual ";
        }

        if (method.IsAbstract)
        {
            return "abstract ";
        }

        if (method.IsVirtual && !method.IsFinal)
        {
            return method.GetBaseDefinition() != method ? "override " : "virtual ";
        }

        return method.IsVirtual && method.GetBaseDefinition() != method ? "sealed override " : string.Empty;
    }

    private static string GenericArguments(MethodInfo method) =>
        method.IsGenericMethodDefinition ? "<" + string.Join(", ", method.GetGenericArguments().Select(a => a.Name)) + ">" : string.Empty;

    private static string Parameters(MethodBase method, NullabilityInfoContext nullability) =>
        string.Join(", ", method.GetParameters().Select(p =>
        {
            var prefix = p.IsDefined(typeof(ParamArrayAttribute)) ? "params " : p.IsOut ? "out " : p.ParameterType.IsByRef ? (p.IsIn ? "in " : "ref ") : string.Empty;
            var defaultValue = p.HasDefaultValue ? " = " + (p.DefaultValue is null ? "null" : p.DefaultValue is string s ? $"\"{s}\"" : Convert.ToString(p.DefaultValue, System.Globalization.CultureInfo.InvariantCulture)) : string.Empty;
            return $"{prefix}{Nullable(p, nullability)} {p.Name}{defaultValue}";
        }));

    private static string Nullable(ParameterInfo parameter, NullabilityInfoContext context) => Annotate(parameter.ParameterType, context.Create(parameter));

    private static string Nullable(PropertyInfo property, NullabilityInfoContext context) => Annotate(property.PropertyType, context.Create(property));

    private static string Nullable(FieldInfo field, NullabilityInfoContext context) => Annotate(field.FieldType, context.Create(field));

    private static string Annotate(Type type, NullabilityInfo info)
    {
        if (type.IsByRef)
        {
            type = type.GetElementType()!;
        }

        var name = Name(type);
        return !type.IsValueType && info.ReadState == NullabilityState.Nullable ? name + "?" : name;
    }

    private static string Name(Type type) => Name(type, qualify: true);

    private static string Name(Type type, bool qualify)
    {
        if (type.IsByRef)
        {
            return Name(type.GetElementType()!, qualify);
        }

        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        if (type.IsArray)
        {
            return Name(type.GetElementType()!, qualify) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        }

        if (System.Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Name(underlying, qualify) + "?";
        }

        var raw = type.IsNested ? Name(type.DeclaringType!, qualify) + "." + type.Name : qualify ? type.FullName ?? $"{type.Namespace}.{type.Name}" : type.Name;
        if (type.IsNested || !qualify)
        {
            raw = type.IsNested ? raw : type.Name;
        }
        else if (type.IsGenericType)
        {
            raw = $"{type.Namespace}.{type.Name}";
        }

        var tick = raw.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0)
        {
            raw = raw[..tick];
        }

        if (!type.IsGenericType)
        {
            return raw;
        }

        var arguments = type.GetGenericArguments();
        var own = type.IsNested && type.DeclaringType!.IsGenericType ? arguments[type.DeclaringType.GetGenericArguments().Length..] : arguments;
        return own.Length == 0 ? raw : raw + "<" + string.Join(", ", own.Select(Name)) + ">";
    }
}

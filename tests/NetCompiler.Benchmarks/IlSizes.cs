using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace NetCompiler.Benchmarks;

/// <summary>
/// IL body sizes and local counts of the generated methods, read from this assembly's metadata. RyuJIT
/// compiles a method with MinOpts (no optimization) when it has more than 60,000 bytes of IL, 20,000
/// instructions, 2,000 basic blocks or 2,000 locals, and tracks (enregisters) at most 1,024 locals.
/// </summary>
internal static class IlSizes
{
    private static readonly string[] Methods = { "Forward", "__Forward", "ComputeLoss", "Gradient", "__Gradient", "Train" };

    public static int Print()
    {
        string path = typeof(IlSizes).Assembly.Location;
        using FileStream stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        MetadataReader md = pe.GetMetadataReader();

        var rows = new List<string>();
        foreach (TypeDefinitionHandle typeHandle in md.TypeDefinitions)
        {
            TypeDefinition type = md.GetTypeDefinition(typeHandle);
            string typeName = md.GetString(type.Name);
            if (!typeName.StartsWith("Net", StringComparison.Ordinal) || md.GetString(type.Namespace) != "NetCompiler.Benchmarks")
            {
                continue;
            }

            var cells = new Dictionary<string, string>();
            foreach (MethodDefinitionHandle methodHandle in type.GetMethods())
            {
                MethodDefinition method = md.GetMethodDefinition(methodHandle);
                string name = md.GetString(method.Name);
                if (Array.IndexOf(Methods, name) < 0 || method.RelativeVirtualAddress == 0)
                {
                    continue;
                }

                MethodBodyBlock body = pe.GetMethodBody(method.RelativeVirtualAddress);
                int locals = 0;
                if (!body.LocalSignature.IsNil)
                {
                    BlobReader signature = md.GetBlobReader(md.GetStandaloneSignature(body.LocalSignature).Signature);
                    signature.ReadSignatureHeader();
                    locals = signature.ReadCompressedInteger();
                }

                byte[] il = body.GetILBytes() ?? Array.Empty<byte>();
                cells[name] = $"{il.Length,6} B {CountInstructions(il),6} ins {locals,4} loc";
            }

            var line = new System.Text.StringBuilder();
            line.Append(typeName.PadRight(16));
            foreach (string name in Methods)
            {
                line.Append(" | ").Append(cells.TryGetValue(name, out string? cell) ? cell : "-");
            }

            rows.Add(line.ToString());
        }

        rows.Sort(StringComparer.Ordinal);
        var header = new System.Text.StringBuilder("type".PadRight(16));
        foreach (string name in Methods)
        {
            header.Append(" | ").Append(name.PadRight(24));
        }

        Console.WriteLine(header.ToString());
        foreach (string row in rows)
        {
            Console.WriteLine(row);
        }

        Console.WriteLine("(IL code bytes as the JIT counts them, IL instructions, declared locals)");
        return 0;
    }

    /// <summary>The number of IL instructions in <paramref name="il"/>.</summary>
    private static int CountInstructions(byte[] il)
    {
        int count = 0;
        int position = 0;
        while (position < il.Length)
        {
            OpCode opCode;
            if (il[position] == 0xFE)
            {
                opCode = TwoByte[il[position + 1]];
                position += 2;
            }
            else
            {
                opCode = OneByte[il[position]];
                position += 1;
            }

            position += opCode.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, position)),
                _ => 4,
            };
            count++;
        }

        return count;
    }

    private static readonly OpCode[] OneByte = new OpCode[256];
    private static readonly OpCode[] TwoByte = new OpCode[256];

    static IlSizes()
    {
        foreach (FieldInfo field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var opCode = (OpCode)field.GetValue(null)!;
            ushort value = unchecked((ushort)opCode.Value);
            if (opCode.Size == 1)
            {
                OneByte[value] = opCode;
            }
            else
            {
                TwoByte[value & 0xFF] = opCode;
            }
        }
    }
}

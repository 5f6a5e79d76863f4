Attribute VB_Name = "NumNumRibbon"
' NumNum ribbon callback. Built into numnum.xlam by numnum_xl/addin_build.py.
'
' Every button on the NumNum tab (ribbon/customUI.xml) has onAction="OnNumNumButton".
' Before anything runs, NumNumSetupProblem checks what RunPython needs (the config file and
' its interpreter) and explains in Dutch how to fix it. Then the button's id goes to Python as
' numnum_xl.addin.on_ribbon("<id>"), run by xlwings' RunPython (module xlwings in this
' project); the statement (NumNumCommand) shows a Dutch message instead of a traceback when
' that Python has no numnum-xl. VBA errors end up in the MsgBox below.
Option Explicit

Public Sub OnNumNumButton(control As IRibbonControl)
    Dim buttonId As String, problem As String
    On Error GoTo Failed
    buttonId = control.Id
    If ActiveWorkbook Is Nothing Then
        MsgBox "Open eerst een werkmap (of maak een nieuwe) en klik dan opnieuw.", _
               vbInformation, "NumNum"
        Exit Sub
    End If
    problem = NumNumSetupProblem()
    If problem <> "" Then
        MsgBox problem, vbCritical, "NumNum"
        Exit Sub
    End If
    RunPython NumNumCommand(buttonId)
    Exit Sub
Failed:
    MsgBox "De knop '" & buttonId & "' kon niet worden uitgevoerd:" & vbNewLine & vbNewLine & _
           Err.Description & vbNewLine & vbNewLine & _
           "Voer 'numnum-xl addin diagnose' uit in de Python van numnum-xl en stuur het " & _
           "resultaat naar support; 'numnum-xl addin install' herstelt de meeste problemen.", _
           vbCritical, "NumNum"
End Sub

' The Python statement RunPython runs for a button: numnum_xl.addin.on_ribbon('<id>'), or,
' when that Python has no numnum-xl, a Dutch alert saying which Python it was and what to do.
' One line, single quotes only (it goes inside the double quotes of a command line).
Public Function NumNumCommand(buttonId As String) As String
    NumNumCommand = "import importlib.util as u; " & _
        "m = __import__('numnum_xl.addin', fromlist=['on_ribbon']) " & _
        "if u.find_spec('numnum_xl') else None; " & _
        "m.on_ribbon('" & buttonId & "') if m else __import__('xlwings').Book.caller().app" & _
        ".alert('numnum-xl is niet ge\xefnstalleerd in de Python van de NumNum-knoppen (' + " & _
        "__import__('sys').executable + '). Installeer het daarin (in de map van numnum-xl: " & _
        "pip install .[excel]) en voer daarna numnum-xl addin install uit.', title='NumNum', mode='critical')"
End Function

' What would stop RunPython before Python starts, as a Dutch message with the fix ("": none).
' Reads the config as RunPython will (xlwings' GetConfig: a numnum.conf sheet, a numnum.conf
' beside the workbook, the user's config file). On the Mac the interpreter file is not
' looked at: Excel's sandbox would ask the user for access to it.
Public Function NumNumSetupProblem() As String
    Dim interpreter As String, confFile As String, fix As String
    fix = "Oplossing: open een opdrachtprompt (op de Mac: Terminal) met de Python waarin " & _
          "numnum-xl is ge" & Chr(239) & "nstalleerd en voer uit:" & vbNewLine & _
          "    numnum-xl addin install" & vbNewLine & _
          "Herstart daarna Excel. 'numnum-xl addin diagnose' toont wat er ontbreekt."
    confFile = GetConfigFilePath()
    #If Mac Then
        interpreter = GetConfig("INTERPRETER_MAC", "")
    #Else
        interpreter = GetConfig("INTERPRETER_WIN", "")
        If interpreter = "" And GetConfig("CONDA PATH", "") <> "" Then Exit Function
    #End If
    If interpreter = "" Then
        NumNumSetupProblem = "De NumNum-knoppen weten niet welke Python ze moeten gebruiken: " & _
            confFile & " ontbreekt of noemt er geen." & vbNewLine & vbNewLine & fix
        Exit Function
    End If
    #If Not Mac Then
        If Not FileExists(interpreter) Then
            NumNumSetupProblem = "De Python van de NumNum-knoppen bestaat niet (meer): " & _
                interpreter & " (uit " & confFile & ")." & vbNewLine & vbNewLine & fix
        End If
    #End If
End Function

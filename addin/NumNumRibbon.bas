Attribute VB_Name = "NumNumRibbon"
' NumNum ribbon callback. Built into numnum.xlam by numnum_xl/addin_build.py.
'
' Every button on the NumNum tab (ribbon/customUI.xml) has onAction="OnNumNumButton".
' The button's id goes to Python as numnum_xl.addin.on_ribbon("<id>"), run by xlwings'
' RunPython (module xlwings in this project). Python errors are shown by RunPython itself;
' VBA errors (for example no Python configured) end up in the MsgBox below.
Option Explicit

Public Sub OnNumNumButton(control As IRibbonControl)
    Dim buttonId As String
    On Error GoTo Failed
    buttonId = control.Id
    If ActiveWorkbook Is Nothing Then
        MsgBox "Open eerst een werkmap (of maak een nieuwe) en klik dan opnieuw.", _
               vbInformation, "NumNum"
        Exit Sub
    End If
    RunPython "import numnum_xl.addin as a; a.on_ribbon('" & buttonId & "')"
    Exit Sub
Failed:
    MsgBox "De knop '" & buttonId & "' kon niet worden uitgevoerd:" & vbNewLine & vbNewLine & _
           Err.Description & vbNewLine & vbNewLine & _
           "Is numnum-xl geinstalleerd en 'numnum-xl addin install' uitgevoerd?", _
           vbCritical, "NumNum"
End Sub

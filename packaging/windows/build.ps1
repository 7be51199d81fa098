# Build the Windows bundle and installer. Run in PowerShell from the repository root:
#   py -3.11 -m venv .venv; .venv\Scripts\pip install -e ".[package]" pillow
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
# Needs Inno Setup 6 (iscc.exe on PATH) for the installer step.
$ErrorActionPreference = "Stop"
$python = ".venv\Scripts\python.exe"
$version = & $python -c "import bellbar; print(bellbar.__version__)"

# The .ico (16 to 256 px) for the .exe and the installer, made with Pillow.
New-Item -ItemType Directory -Force build | Out-Null
& $python -c "from PIL import Image; Image.open('src/bellbar/assets/icons/bellbar-256.png').save('build/bellbar.ico', sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (256, 256)])"

# One-folder bundle, no console window.
& $python -m PyInstaller --noconfirm --clean --windowed `
  --name Bellbar --distpath dist --workpath build\pyinstaller --specpath build\pyinstaller `
  --icon build\bellbar.ico `
  --collect-data bellbar --collect-submodules uvicorn --collect-submodules bellbar `
  --copy-metadata keyring --copy-metadata bellbar `
  --exclude-module tkinter --exclude-module pytest `
  packaging\entry.py

& dist\Bellbar\Bellbar.exe --self-test
if ($LASTEXITCODE -ne 0) { throw "self-test failed" }

iscc /DVersion=$version packaging\windows\bellbar.iss
Write-Host "built dist\Bellbar and dist\Bellbar-$version-setup.exe"

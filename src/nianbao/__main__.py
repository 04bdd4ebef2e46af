from nianbao.cli import main

main(prog_name="nianbao")
